package org.elasticscrl.protocol.tensor;

/**
 * Where decoded elements are summed: {@code acc[offset + i] += values[i]} for {@code i < count}.
 * {@link #into} is for one stream at a time; {@link StripedFloatAdder} lets several streams (gradients
 * arriving from several workers at once) add into one accumulator.
 */
@FunctionalInterface
public interface FloatAdder {
    void add(int offset, float[] values, int count);

    /** Elements the accumulator holds, which a payload must match exactly; -1 if unknown (no check). */
    default int size() {
        return -1;
    }

    /** Adds into {@code acc} with no synchronisation: one writer at a time. */
    static FloatAdder into(float[] acc) {
        return new FloatAdder() {
            @Override
            public void add(int offset, float[] values, int count) {
                addRange(acc, offset, values, 0, count);
            }

            @Override
            public int size() {
                return acc.length;
            }
        };
    }

    /** The plain loop, kept trivial so the JIT vectorises it. */
    static void addRange(float[] acc, int offset, float[] values, int from, int count) {
        for (int i = 0; i < count; i++) acc[offset + i] += values[from + i];
    }
}
