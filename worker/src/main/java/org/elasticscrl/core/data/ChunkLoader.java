package org.elasticscrl.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticscrl.core.augment.TwoViewAugmentation;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.train.Chunk;
import org.elasticscrl.plan.Rng;

/**
 * Decodes and augments the samples of a chunk on a thread pool, so the training step does not wait
 * for data when the CPU can keep up (the trainer asks for a bounded number of chunks ahead).
 * Augmentation randomness is keyed by (seed, epoch, sample index, view), never by thread, so a
 * sample's views are the same wherever and however they are computed. Unreadable samples are
 * left out of the chunk and reported with it.
 */
public final class ChunkLoader implements AutoCloseable {
    private static final long STREAM = Rng.key("augment");

    /** A loaded chunk ({@code null} when every sample was unreadable) and the sources skipped. */
    public record Loaded(Chunk chunk, List<String> skipped) {}

    private final Dataset data;
    private final TwoViewAugmentation augment;
    private final long seed;
    private final int threads;
    private final ExecutorService pool;

    public ChunkLoader(Dataset data, TwoViewAugmentation augment, long seed, int threads) {
        this.data = data;
        this.augment = augment;
        this.seed = seed;
        this.threads = Math.max(1, threads);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "scrl-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts loading the samples {@code indices} of {@code epoch}. */
    public CompletableFuture<Loaded> load(int epoch, int[] indices) {
        int n = indices.length;
        int s = augment.size();
        int plane = 3 * s * s;
        float[] pixels = new float[2 * n * plane];
        CropBox[][] crops = new CropBox[2][n];
        int[] labels = new int[n];
        String[] failed = new String[n];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        int per = (n + threads - 1) / threads;
        for (int from = 0; from < n; from += per) {
            int lo = from;
            int hi = Math.min(n, from + per);
            parts.add(CompletableFuture.runAsync(() -> {
                for (int i = lo; i < hi; i++) {
                    try {
                        Sample sample = data.get(indices[i]);
                        labels[i] = sample.label();
                        for (int v = 0; v < 2; v++) {
                            crops[v][i] = augment.render(sample.image(), v,
                                    Rng.of(seed, STREAM, epoch, indices[i], v), pixels, (v * n + i) * plane);
                        }
                    } catch (UnreadableSampleException e) {
                        failed[i] = e.source();
                    }
                }
            }, pool));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]))
                .thenApply(ignored -> assemble(epoch, indices, pixels, crops, labels, failed, plane));
    }

    private static Loaded assemble(int epoch, int[] indices, float[] pixels, CropBox[][] crops, int[] labels,
            String[] failed, int plane) {
        int n = indices.length;
        List<String> skipped = new ArrayList<>();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (failed[i] == null) {
                keep.add(i);
            } else {
                skipped.add(failed[i]);
            }
        }
        if (keep.isEmpty()) {
            return new Loaded(null, skipped);
        }
        int m = keep.size();
        long[] ids = new long[m];
        int[] kept = new int[m];
        CropBox[] c1 = new CropBox[m];
        CropBox[] c2 = new CropBox[m];
        boolean labelled = true;
        float[] out = m == n ? pixels : new float[2 * m * plane];
        for (int k = 0; k < m; k++) {
            int i = keep.get(k);
            ids[k] = indices[i];
            kept[k] = labels[i];
            labelled &= labels[i] >= 0;
            c1[k] = crops[0][i];
            c2[k] = crops[1][i];
            if (out != pixels) {
                System.arraycopy(pixels, i * plane, out, k * plane, plane);
                System.arraycopy(pixels, (n + i) * plane, out, (m + k) * plane, plane);
            }
        }
        int size = (int) Math.round(Math.sqrt(plane / 3.0));
        return new Loaded(new Chunk(epoch, ids, labelled ? kept : null, c1, c2, out, size), skipped);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
