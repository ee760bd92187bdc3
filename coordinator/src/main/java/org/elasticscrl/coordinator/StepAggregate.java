package org.elasticscrl.coordinator;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.elasticscrl.protocol.tensor.InvalidPayloadException;
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
 *
 * <p>Once a step has committed, the run's layout (gradient and statistics lengths) is known and pinned:
 * a contribution of another layout is the sender's fault ({@link InvalidPayloadException}). Before that,
 * a mismatch only says the contributions disagree, not which one is wrong. Non-finite values are refused
 * in both modes before they reach a sum.
 */
final class StepAggregate {
    private final boolean canonical;
    /** Summed mode: the current sum; replaced when a failed transfer spoils it. */
    private StreamingSum streaming;
    /** Canonical mode: each chunk's (gradient, statistics), by chunk number. */
    private final Map<Integer, float[][]> perChunk = new TreeMap<>();
    private int split = -1;
    /** The run's layout {gradient, statistics} from an earlier commit; null before the first. */
    private final int[] layout;

    StepAggregate(boolean canonical, int[] layout) {
        this.canonical = canonical;
        this.layout = layout == null ? null : layout.clone();
        if (layout != null) {
            split = layout[0];
        }
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
                throw new InvalidPayloadException("a summed contribution has 2 parts, this one " + h.parts());
            }
            if (layout != null && !Arrays.equals(h.lengths(), layout)) {
                throw new InvalidPayloadException("payload parts " + Arrays.toString(h.lengths())
                        + " differ from the run's layout " + Arrays.toString(layout));
            }
        });
    }

    /**
     * Canonical mode: keeps one whole contribution's per-chunk parts for {@code chunks} (in lease order),
     * all or nothing: a contribution that fails a check adds no chunk.
     *
     * @throws InvalidPayloadException for parts that do not match the lease, the run's layout, or hold a
     *     non-finite value; {@link IllegalArgumentException} when, before any commit, it disagrees with
     *     the step's other contributions
     */
    void add(List<Integer> chunks, float[][] parts) {
        if (parts == null) {
            return;
        }
        if (parts.length != 2 * chunks.size()) {
            throw new InvalidPayloadException("a contribution for " + chunks.size() + " chunks has " + parts.length
                    + " parts, expected " + 2 * chunks.size() + " (cluster.canonical_sum)");
        }
        int gradients = split;
        for (int i = 0; i < chunks.size(); i++) {
            float[] g = parts[2 * i];
            float[] s = parts[2 * i + 1];
            if (g.length == 0) {
                continue; // every sample of the chunk was unreadable
            }
            if (layout != null && (g.length != layout[0] || s.length != layout[1])) {
                throw new InvalidPayloadException("chunk " + chunks.get(i) + " has parts [" + g.length + ", "
                        + s.length + "], the run's layout is " + Arrays.toString(layout));
            }
            if (gradients >= 0 && g.length != gradients) {
                throw new IllegalArgumentException("contribution of " + g.length + " gradient values for a step of "
                        + gradients);
            }
            gradients = g.length;
            for (float[] part : new float[][] {g, s}) {
                int bad = InvalidPayloadException.firstNonFinite(part, 0, part.length);
                if (bad >= 0) {
                    throw new InvalidPayloadException("non-finite value " + part[bad] + " at element " + bad
                            + " of chunk " + chunks.get(i) + "'s " + (part == g ? "gradient" : "statistics"));
                }
            }
        }
        split = gradients;
        for (int i = 0; i < chunks.size(); i++) {
            if (parts[2 * i].length > 0) {
                perChunk.put(chunks.get(i), new float[][] {parts[2 * i], parts[2 * i + 1]});
            }
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
