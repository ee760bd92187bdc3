package org.elasticscrl.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data plan of one epoch, a pure function of (seed, epoch, dataset size, chunk size, chunks
 * per step) that any node can recompute: a seeded permutation of the sample indices, cut into
 * consecutive chunks of {@code chunkSize} (one BatchNorm batch each; the last may be short, like
 * the reference's {@code drop_last=False}), grouped into steps of {@code chunksPerStep} chunks
 * (the last step may hold fewer).
 */
public final class EpochPlan {
    private static final long STREAM = Rng.key("plan");

    private final int epoch;
    private final int[] order;
    private final int chunkSize;
    private final int chunksPerStep;
    private final int chunks;

    private EpochPlan(int epoch, int[] order, int chunkSize, int chunksPerStep) {
        this.epoch = epoch;
        this.order = order;
        this.chunkSize = chunkSize;
        this.chunksPerStep = chunksPerStep;
        this.chunks = (order.length + chunkSize - 1) / chunkSize;
    }

    public static EpochPlan of(long seed, int epoch, int datasetSize, int chunkSize, int chunksPerStep) {
        if (datasetSize < 1 || chunkSize < 1 || chunksPerStep < 1) {
            throw new IllegalArgumentException("plan needs samples, chunk size and chunks per step >= 1, got "
                    + datasetSize + ", " + chunkSize + ", " + chunksPerStep);
        }
        int[] order = Rng.permutation(datasetSize, Rng.of(seed, STREAM, epoch));
        return new EpochPlan(epoch, order, chunkSize, chunksPerStep);
    }

    /** Steps of an epoch of {@code datasetSize} samples at {@code globalBatch} samples per step. */
    public static long stepsPerEpoch(long datasetSize, long globalBatch) {
        return (datasetSize + globalBatch - 1) / globalBatch;
    }

    public int epoch() {
        return epoch;
    }

    public int samples() {
        return order.length;
    }

    public int chunks() {
        return chunks;
    }

    public int steps() {
        return (chunks + chunksPerStep - 1) / chunksPerStep;
    }

    /** Sample indices of chunk {@code c} (0-based within the epoch). */
    public int[] chunk(int c) {
        if (c < 0 || c >= chunks) {
            throw new IndexOutOfBoundsException("chunk " + c + " of " + chunks);
        }
        int from = c * chunkSize;
        return Arrays.copyOfRange(order, from, Math.min(order.length, from + chunkSize));
    }

    /** Chunk numbers of step {@code s} (0-based within the epoch). */
    public List<Integer> chunksOfStep(int s) {
        if (s < 0 || s >= steps()) {
            throw new IndexOutOfBoundsException("step " + s + " of " + steps());
        }
        List<Integer> out = new ArrayList<>();
        for (int c = s * chunksPerStep; c < Math.min(chunks, (s + 1) * chunksPerStep); c++) {
            out.add(c);
        }
        return out;
    }
}
