package org.elasticscrl.coordinator;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.elasticscrl.protocol.tensor.TensorHeader;

/**
 * The sums of one step's contributions: gradient and BatchNorm statistics (sample-weighted,
 * float32 as the workers sent them) and the metrics. The mean is {@code sum · (1/n)} in float32,
 * the arithmetic of a single process's fused step.
 *
 * <p>A contribution is either one summed pair of parts ({@code [gradient, statistics]}) or, with
 * {@code cluster.canonical_sum}, one pair per chunk of its lease. Per-chunk pairs are kept until
 * the step is complete and then added in chunk order — the float sums {@code scrl train} makes —
 * so the update does not depend on which worker computed which chunk, or when it arrived.
 */
final class StepAggregate {
    private final boolean canonical;
    /** Summed contributions: gradient sums then statistics sums, concatenated. */
    private float[] sum;
    private int split = -1;
    /** Canonical mode: each chunk's (gradient, statistics), by chunk number. */
    private final Map<Integer, float[][]> perChunk = new TreeMap<>();
    private StepMetrics metrics = StepMetrics.NONE;

    StepAggregate(boolean canonical) {
        this.canonical = canonical;
    }

    /** Adds one contribution for {@code chunks} (in lease order); {@code payload} null: nothing readable. */
    void add(List<Integer> chunks, ByteBuffer payload, StepMetrics m) {
        metrics = metrics.plus(m);
        if (payload == null) {
            return;
        }
        TensorHeader h = TensorCodec.validate(payload.duplicate());
        if (canonical) {
            if (h.parts() != 2 * chunks.size()) {
                throw new IllegalArgumentException("a contribution for " + chunks.size() + " chunks has " + h.parts()
                        + " parts, expected " + 2 * chunks.size() + " (cluster.canonical_sum)");
            }
            float[][] parts = TensorCodec.decode(payload.duplicate());
            for (int i = 0; i < chunks.size(); i++) {
                if (parts[2 * i].length > 0) {
                    checkShape(parts[2 * i].length, parts[2 * i].length + parts[2 * i + 1].length);
                    perChunk.put(chunks.get(i), new float[][] {parts[2 * i], parts[2 * i + 1]});
                }
            }
            return;
        }
        if (h.parts() != 2) {
            throw new IllegalArgumentException("a summed contribution has 2 parts, this one " + h.parts());
        }
        checkShape(h.length(0), h.elements());
        TensorCodec.addTo(payload.duplicate(), sum);
    }

    private void checkShape(int gradients, int total) {
        if (sum == null && split < 0) {
            split = gradients;
            if (!canonical) {
                sum = new float[total];
            }
        } else if (gradients != split) {
            throw new IllegalArgumentException("contribution of " + gradients + " gradient values for a step of " + split);
        }
    }

    StepMetrics metrics() {
        return metrics;
    }

    boolean hasSamples() {
        return split >= 0 && metrics.samples() > 0;
    }

    /** {@code [mean gradient, mean statistics]}. */
    float[][] mean() {
        float[] g;
        float[] s;
        if (canonical) {
            g = null;
            s = null;
            for (float[][] chunk : perChunk.values()) {
                if (g == null) {
                    g = chunk[0].clone();
                    s = chunk[1].clone();
                } else {
                    addInto(g, chunk[0]);
                    addInto(s, chunk[1]);
                }
            }
        } else {
            g = java.util.Arrays.copyOf(sum, split);
            s = java.util.Arrays.copyOfRange(sum, split, sum.length);
        }
        float inv = 1f / metrics.samples();
        scale(g, inv);
        scale(s, inv);
        return new float[][] {g, s};
    }

    private static void addInto(float[] acc, float[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    private static void scale(float[] v, float f) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= f;
        }
    }
}
