package org.elasticscrl.plan;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Keyed random streams. Every random choice in training draws from a stream keyed by what it is
 * about — (seed, epoch, sample, view), (seed, "init", network, parameter) — never by thread or
 * worker, so a sample's views and boxes are the same wherever they are computed.
 */
public final class Rng {
    private Rng() {}

    /** A stream for {@code (seed, keys…)}. */
    public static SplittableRandom of(long seed, long... keys) {
        long h = mix(seed ^ 0x5DEECE66DL);
        for (long k : keys) {
            h = mix(h ^ mix(k + 0x9E3779B97F4A7C15L));
        }
        return new SplittableRandom(h);
    }

    /** A stable 64-bit key for a name (FNV-1a, then mixed). */
    public static long key(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(h);
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
