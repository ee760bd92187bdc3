package org.elasticscrl.core.augment;

/**
 * Scratch memory of one rendering thread, grown on demand and reused, so that rendering a view
 * allocates nothing once the buffers have reached their working size. Not thread-safe: each
 * thread gets its own through {@link #local()}.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private byte[] rows = new byte[0];
    private int[] sums = new int[0];
    private byte[] first = new byte[0];
    private byte[] second = new byte[0];

    static Workspace local() {
        return LOCAL.get();
    }

    /** Horizontally resampled rows between the two passes of a resize. */
    byte[] rows(int size) {
        if (rows.length < size) {
            rows = new byte[size];
        }
        return rows;
    }

    /** Per-row accumulators of the vertical pass. */
    int[] sums(int size) {
        if (sums.length < size) {
            sums = new int[size];
        }
        return sums;
    }

    /** The image being augmented. */
    byte[] first(int size) {
        if (first.length < size) {
            first = new byte[size];
        }
        return first;
    }

    /** A second image buffer: the downsized image inside the resize blur. */
    byte[] second(int size) {
        if (second.length < size) {
            second = new byte[size];
        }
        return second;
    }
}
