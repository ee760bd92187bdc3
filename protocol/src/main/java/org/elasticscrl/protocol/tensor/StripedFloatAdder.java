package org.elasticscrl.protocol.tensor;

/**
 * A {@link FloatAdder} that several threads may use at once on one accumulator: the array is cut into
 * stripes, each added under its own lock, so streams working on different regions never wait and
 * streams on the same region take turns. Float addition is not associative: with concurrent writers the
 * low bits of a sum depend on arrival order, as they would with any arrival-order aggregation.
 *
 * <p>A {@linkplain #fresh fresh} adder ignores what the array held: the first value written to an element
 * sets it, later ones add. So a reused accumulator needs no zeroing pass, and the first stream through a
 * region only writes it. Each stripe keeps a high-water mark; this relies on every stream writing each
 * region in order, from its start (as {@link PayloadSummer} does).
 */
public final class StripedFloatAdder implements FloatAdder {
    /** 64 Ki floats = 256 KiB: fits L2, and a 1 MiB network chunk touches at most a handful. */
    public static final int DEFAULT_STRIPE = 1 << 16;

    private final float[] acc;
    private final int stripe;
    private final Object[] locks;
    /** Fresh adders: per stripe, the end of what has been written (guarded by the stripe's lock); else null. */
    private final int[] written;

    public StripedFloatAdder(float[] acc) {
        this(acc, DEFAULT_STRIPE, false);
    }

    public StripedFloatAdder(float[] acc, int stripe) {
        this(acc, stripe, false);
    }

    private StripedFloatAdder(float[] acc, int stripe, boolean fresh) {
        if (stripe <= 0) throw new IllegalArgumentException("stripe must be positive, got " + stripe);
        this.acc = acc;
        this.stripe = stripe;
        this.locks = new Object[(int) ((acc.length + (long) stripe - 1) / stripe)];
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        this.written = fresh ? new int[locks.length] : null;
        for (int i = 0; fresh && i < written.length; i++) written[i] = i * stripe;
    }

    /** An adder over {@code acc} whose contents it ignores (see the class). */
    public static StripedFloatAdder fresh(float[] acc, int stripe) {
        return new StripedFloatAdder(acc, stripe, true);
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
                if (written == null) {
                    FloatAdder.addRange(acc, at, values, done, n);
                } else {
                    addFresh(s, at, values, done, n);
                }
            }
            done += n;
        }
    }

    /** Below the stripe's mark: add; above it: set. A stream never starts beyond the mark (it wrote up to there). */
    private void addFresh(int s, int at, float[] values, int from, int n) {
        int mark = written[s];
        if (at > mark) {
            throw new IllegalStateException("a stream skipped elements " + mark + " to " + at
                    + ": a fresh accumulator needs every stream to write in order");
        }
        int added = Math.min(n, mark - at);
        FloatAdder.addRange(acc, at, values, from, added);
        System.arraycopy(values, from + added, acc, at + added, n - added);
        written[s] = Math.max(mark, at + n);
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
