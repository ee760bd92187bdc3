package org.elasticscrl.worker;

import java.util.Arrays;
import java.util.Locale;
import org.elasticscrl.protocol.StepMetrics;

/**
 * A fault injected on purpose ({@code scrl chaos}, {@code scrl worker --poison}): every contribution of
 * this worker is wrong in one way a faulty GPU or a bug would make it — a NaN in the gradient, more
 * samples than its chunks hold, or one gradient value too many. The coordinator must refuse each, lease
 * its chunks to others and quarantine the worker; the replicas must never see a poisoned value.
 */
public enum Poison {
    NONE, NAN, SAMPLES, LAYOUT;

    /** {@code none nan samples layout}, as on the command line. */
    public static Poison of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--poison: '" + name + "' is not one of none, nan, samples, layout");
        }
    }

    /** The parts this worker sends instead of {@code parts} (the first is a gradient). */
    float[][] parts(float[][] parts) {
        if (this == NAN && parts[0].length > 0) {
            float[][] out = parts.clone();
            out[0] = parts[0].clone();
            out[0][out[0].length / 2] = Float.NaN;
            return out;
        }
        if (this == LAYOUT) {
            float[][] out = parts.clone();
            out[0] = Arrays.copyOf(parts[0], parts[0].length + 1);
            return out;
        }
        return parts;
    }

    /** The metrics this worker sends instead of {@code m}. */
    StepMetrics metrics(StepMetrics m) {
        return this != SAMPLES ? m : new StepMetrics(2 * m.samples() + 1, m.sslLossSum(), m.ceLossSum(), m.correct(),
                m.evaluated(), m.pairs(), m.skippedImages(), m.boxFallbacks());
    }
}
