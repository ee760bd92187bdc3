package org.elasticscrl.coordinator;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.elasticscrl.protocol.tensor.StreamingSum;

/**
 * The sums of one step's contributions: gradient and BatchNorm statistics (sample-weighted,
 * float32 as the workers sent them). The mean is {@code sum · (1/n)} in float32, the arithmetic of
 * a single process's fused step.
 *
 * <p>By default a contribution is one summed pair of parts ({@code [gradient, statistics]}) and
 * streams straight into the step's sum while it arrives ({@link StreamingSum}): no payload is ever
 * held whole. A transfer that fails after adding something spoils that sum; {@link #restart()} starts
 * a new one, into which the caller streams every other contribution again.
 *
 * <p>With {@code cluster.canonical_sum} a contribution holds one pair per chunk of its lease. Those are
 * fetched (decoded while they arrive) and kept until the step is complete, then added in chunk order —
 * the float sums {@code scrl train} makes — so the update does not depend on which worker computed
 * which chunk, or when it arrived.
 */
final class StepAggregate {
    private final boolean canonical;
    /** Summed mode: the current sum; replaced when a failed transfer spoils it. */
    private StreamingSum streaming;
    /** Canonical mode: each chunk's (gradient, statistics), by chunk number. */
    private final Map<Integer, float[][]> perChunk = new TreeMap<>();
    private int split = -1;

    StepAggregate(boolean canonical) {
        this.canonical = canonical;
        if (!canonical) {
            restart();
        }
    }

    /** Whether contributions stream into the sum ({@link #current()}) rather than arrive whole ({@link #add}). */
    boolean streams() {
        return !canonical;
    }

    /** The current sum (summed mode; null if canonical): transfers into an older one count for nothing. */
    StreamingSum current() {
        return streaming;
    }

    /** Discards the sum so far (summed mode): every contribution must be streamed again. */
    void restart() {
        streaming = new StreamingSum(h -> {
            if (h.parts() != 2) {
                throw new IllegalArgumentException("a summed contribution has 2 parts, this one " + h.parts());
            }
        });
    }

    /** Canonical mode: keeps one whole contribution's per-chunk parts for {@code chunks} (in lease order). */
    void add(List<Integer> chunks, float[][] parts) {
        if (parts == null) {
            return;
        }
        if (parts.length != 2 * chunks.size()) {
            throw new IllegalArgumentException("a contribution for " + chunks.size() + " chunks has " + parts.length
                    + " parts, expected " + 2 * chunks.size() + " (cluster.canonical_sum)");
        }
        for (int i = 0; i < chunks.size(); i++) {
            int gradients = parts[2 * i].length;
            if (gradients == 0) {
                continue;
            }
            if (split < 0) {
                split = gradients;
            } else if (gradients != split) {
                throw new IllegalArgumentException("contribution of " + gradients + " gradient values for a step of "
                        + split);
            }
            perChunk.put(chunks.get(i), new float[][] {parts[2 * i], parts[2 * i + 1]});
        }
    }

    /** Whether any gradient arrived (else there is nothing to average). */
    boolean hasValues() {
        return canonical ? !perChunk.isEmpty() : streaming.lengths() != null;
    }

    /**
     * The step's update: the sums of gradient and statistics back to back in {@code sums}, to be scaled
     * by {@code scale} = 1 / samples (in float32, the arithmetic of a single process's fused step) as they
     * are encoded — parts of {@code lengths}.
     */
    record Mean(float scale, float[] sums, int[] lengths) {}

    /** The mean over {@code samples}: canonical sums are added here, in chunk order. */
    Mean mean(int samples) {
        float inv = 1f / samples;
        if (!canonical) {
            return new Mean(inv, streaming.sum(), streaming.lengths());
        }
        float[] sums = null;
        int stats = 0;
        for (float[][] chunk : perChunk.values()) {
            if (sums == null) {
                stats = chunk[1].length;
                sums = Arrays.copyOf(chunk[0], split + stats);
                System.arraycopy(chunk[1], 0, sums, split, stats);
            } else {
                addInto(sums, 0, chunk[0]);
                addInto(sums, split, chunk[1]);
            }
        }
        return new Mean(inv, sums, new int[] {split, stats});
    }

    private static void addInto(float[] acc, int at, float[] v) {
        for (int i = 0; i < v.length; i++) {
            acc[at + i] += v[i];
        }
    }
}
