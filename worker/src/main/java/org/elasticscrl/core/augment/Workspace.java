package org.elasticscrl.core.augment;

import java.util.Arrays;

/**
 * Scratch memory of one rendering thread, grown on demand and reused, so that rendering a view
 * allocates nothing once the buffers have reached their working size. Not thread-safe: each
 * thread gets its own through {@link #local()}.
 */
final class Workspace {
    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private int[][] rows = new int[0][];
    private int[][] columns = new int[0][];
    private int[] sums = new int[0];
    private byte[] first = new byte[0];
    private byte[] second = new byte[0];

    static Workspace local() {
        return LOCAL.get();
    }

    /**
     * {@code count} arrays of at least {@code length} ints: the horizontally resampled rows between
     * the two passes of a resize. One array per row, so that each is indexed from 0, the loop shape
     * HotSpot's C2 turns into SIMD code.
     */
    int[][] rows(int count, int length) {
        rows = grow(rows, count, length);
        return rows;
    }

    /** As {@link #rows}: a transposed band of source columns in the horizontal pass. */
    int[][] columns(int count, int length) {
        columns = grow(columns, count, length);
        return columns;
    }

    /** Accumulators of a whole row (vertical pass) or column band (horizontal pass). */
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

    private static int[][] grow(int[][] pool, int count, int length) {
        if (pool.length < count) {
            pool = Arrays.copyOf(pool, Math.max(count, pool.length + pool.length / 2));
        }
        for (int i = 0; i < count; i++) {
            if (pool[i] == null || pool[i].length < length) {
                pool[i] = new int[length];
            }
        }
        return pool;
    }
}
