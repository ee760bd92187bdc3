package org.elasticscrl.protocol.tensor;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One sum of payloads that stream in at once — a step's gradients from several workers. Each transfer
 * gets its own {@link PayloadSummer}, which adds into the shared accumulator while the bytes arrive,
 * so the receiver never holds a whole payload. The first header fixes the layout (its part lengths) and
 * sizes the accumulator; a payload of any other layout, or one {@code check} refuses, is refused before
 * it adds anything.
 *
 * <p>A transfer that fails after adding something ({@link PayloadSummer#added()} &gt; 0) spoils the sum:
 * the caller must start a new one. Read {@link #sum()} only once every transfer into it has finished.
 */
public final class StreamingSum {
    private final Consumer<TensorHeader> check;
    private int[] lengths;
    private float[] acc;
    private FloatAdder adder;
    private float[] spare;

    /** @param check throws {@link IllegalArgumentException} for a header this sum must not take */
    public StreamingSum(Consumer<TensorHeader> check) {
        this.check = check;
    }

    /**
     * Offers an array to sum into instead of a new one (an earlier sum's, now unused): taken if the
     * first payload has exactly its length. Its contents are ignored: no zeroing pass, no new 100 MB.
     */
    public synchronized void reuse(float[] array) {
        if (acc == null) {
            spare = array;
        }
    }

    /** A summer for one more transfer. */
    public PayloadSummer summer() {
        return new PayloadSummer(this::adderFor);
    }

    /**
     * A summer for one more transfer whose size was announced (in an authenticated message): a header
     * that declares another size is refused before anything is sized by it.
     */
    public PayloadSummer summer(long announcedBytes) {
        return new PayloadSummer(h -> {
            if (h.totalBytes() != announcedBytes) {
                throw new IllegalArgumentException("the payload's header declares " + h.totalBytes()
                        + " bytes, its announcement " + announcedBytes);
            }
            return adderFor(h);
        });
    }

    private synchronized FloatAdder adderFor(TensorHeader h) {
        check.accept(h);
        if (lengths == null) {
            lengths = h.lengths();
            acc = spare != null && spare.length == h.elements() ? spare : new float[h.elements()];
            spare = null;
            adder = StripedFloatAdder.fresh(acc, StripedFloatAdder.DEFAULT_STRIPE);
        } else if (!Arrays.equals(lengths, h.lengths())) {
            throw new IllegalArgumentException("payload parts " + Arrays.toString(h.lengths())
                    + " differ from the other contributions' " + Arrays.toString(lengths));
        }
        return adder;
    }

    /** The accumulator, all parts back to back; null while no header arrived. */
    public synchronized float[] sum() {
        return acc;
    }

    /** The part lengths of every payload summed; null while no header arrived. */
    public synchronized int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }
}
