package org.elasticscrl.core.train;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a step's time goes, accumulated per phase. libtorch runs CPU ops synchronously, so wall
 * time around a call is the op's cost (on a GPU the boundaries would need a synchronise).
 */
public final class StepProfile {
    public enum Phase {
        BOXES, BACKBONE, TARGET, ROI_ALIGN, HEADS, LOSS, BACKWARD, GRADIENTS, LARS, EMA, STATISTICS
    }

    private final EnumMap<Phase, Long> nanos = new EnumMap<>(Phase.class);

    public <T> T time(Phase phase, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(phase, System.nanoTime() - t0);
        }
    }

    public void time(Phase phase, Runnable work) {
        long t0 = System.nanoTime();
        try {
            work.run();
        } finally {
            add(phase, System.nanoTime() - t0);
        }
    }

    public synchronized void add(Phase phase, long ns) {
        nanos.merge(phase, ns, Long::sum);
    }

    public synchronized Map<Phase, Long> snapshot() {
        return new EnumMap<>(nanos);
    }

    public synchronized void reset() {
        nanos.clear();
    }
}
