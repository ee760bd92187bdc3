package org.elasticscrl.protocol.tensor;

/**
 * A payload that arrived but is not a valid one — a non-finite value, a size or layout other than its
 * header or the receiver's expectation, bytes missing or left over — as opposed to a transfer that
 * failed on the way. The sender is at fault: a receiver counts it against the sender (the coordinator
 * excludes and, if it recurs, quarantines a worker whose contributions are invalid).
 */
public final class InvalidPayloadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(message);
    }

    /** The {@link InvalidPayloadException} somewhere in {@code e}'s causes (a failed future wraps it), or null. */
    public static InvalidPayloadException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidPayloadException invalid) {
                return invalid;
            }
        }
        return null;
    }

    /**
     * The index of the first NaN or infinity in {@code values[from, from + count)}, or -1 when all are
     * finite.
     */
    public static int firstNonFinite(float[] values, int from, int count) {
        // a plain loop with an early exit: measured at 14 GB/s on an L1-resident block, 2.7x the add it
        // guards (an exponent-max reduction ran at 7.7, a multiply-by-zero sum at 4.9)
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[from + i])) {
                return from + i;
            }
        }
        return -1;
    }
}
