package org.elasticscrl.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.EvalConfig;
import org.junit.jupiter.api.Test;

/** The probe learns what is linearly there, and only that. */
class LinearProbeTest {
    private static Features blobs(int n, int dim, int classes, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[classes][dim];
        SplittableRandom c = new SplittableRandom(99);
        for (float[] centre : centres) {
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) c.nextGaussian() * 3;
            }
        }
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int d = 0; d < dim; d++) {
                x[i * dim + d] = centres[y[i]][d] + (float) (r.nextGaussian() * spread);
            }
        }
        return new Features(x, dim, y, new int[n], 0);
    }

    @Test
    void separableClassesAreLearned() {
        EvalConfig cfg = ConfigLoader.load("scrl_cpu", List.of()).eval();
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProbe.Result r = LinearProbe.train(blobs(2000, 16, 5, 1.0, 1), blobs(500, 16, 5, 1.0, 2), 5, cfg, 0, m);
            assertTrue(r.last() > 0.95, "accuracy " + r.last());
            assertEquals(2000, r.trainRows());
            assertTrue(r.best() >= r.last());
        }
    }

    @Test
    void noiseStaysAtChance() {
        EvalConfig cfg = ConfigLoader.load("scrl_cpu", List.of()).eval();
        try (NDManager m = NDManager.newBaseManager()) {
            Features train = blobs(1000, 8, 4, 1.0, 3);
            Features shuffled = new Features(train.values(), 8, blobs(1000, 8, 4, 1.0, 4).labels(), new int[1000], 0);
            LinearProbe.Result r = LinearProbe.train(shuffled, blobs(1000, 8, 4, 1.0, 5), 4, cfg, 0, m);
            assertTrue(r.last() < 0.4, "accuracy on random labels " + r.last());
        }
    }
}
