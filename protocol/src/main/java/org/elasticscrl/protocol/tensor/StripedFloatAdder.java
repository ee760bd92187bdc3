package org.elasticscrl.protocol.tensor;

/**
 * A {@link FloatAdder} that several threads may use at once on one accumulator: the array is cut into
 * stripes, each added under its own lock, so streams working on different regions never wait and
 * streams on the same region take turns. Float addition is not associative: with concurrent writers the
 * low bits of a sum depend on arrival order, as they would with any arrival-order aggregation.
 */
public final class StripedFloatAdder implements FloatAdder {
    /** 64 Ki floats = 256 KiB: fits L2, and a 1 MiB network chunk touches at most a handful. */
    public static final int DEFAULT_STRIPE = 1 << 16;

    private final float[] acc;
    private final int stripe;
    private final Object[] locks;

    public StripedFloatAdder(float[] acc) {
        this(acc, DEFAULT_STRIPE);
    }

    public StripedFloatAdder(float[] acc, int stripe) {
        if (stripe <= 0) throw new IllegalArgumentException("stripe must be positive, got " + stripe);
        this.acc = acc;
        this.stripe = stripe;
        this.locks = new Object[(int) ((acc.length + (long) stripe - 1) / stripe)];
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    @Override
    public void add(int offset, float[] values, int count) {
        if (offset < 0 || count < 0 || offset > acc.length - count) {
            throw new IndexOutOfBoundsException("adding " + count + " at " + offset + " into " + acc.length);
        }
        int done = 0;
        while (done < count) {
            int at = offset + done;
            int s = at / stripe;
            int n = (int) Math.min(count - done, (s + 1L) * stripe - at);
            synchronized (locks[s]) {
                FloatAdder.addRange(acc, at, values, done, n);
            }
            done += n;
        }
    }

    @Override
    public int size() {
        return acc.length;
    }

    /** The accumulator: read it only once every stream has finished. */
    public float[] array() {
        return acc;
    }
}
