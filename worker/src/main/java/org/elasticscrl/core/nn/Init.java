package org.elasticscrl.core.nn;

import java.util.random.RandomGenerator;

/** Random initial values drawn in Java, so that a seed gives the same network on every node. */
final class Init {
    private Init() {}

    static float[] normal(RandomGenerator rng, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    static float[] uniform(RandomGenerator rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }
}
