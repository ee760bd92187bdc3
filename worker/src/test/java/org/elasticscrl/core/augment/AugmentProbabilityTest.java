package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.elasticscrl.config.AugmentConfig;
import org.elasticscrl.plan.Rng;
import org.junit.jupiter.api.Test;

/**
 * How often each random choice happens, over 20,000 plans per view (bounds are more than five
 * standard deviations wide), and the ranges of the jitter factors.
 */
class AugmentProbabilityTest {
    private static final int N = 20_000;

    @Test
    void eachOperationHappensAsOftenAsTheRecipeSays() {
        TwoViewAugmentation aug = TwoViewAugmentation.of(new AugmentConfig("simclr", 224, Arrays.asList(0.2, 1.0), "random_resized_crop"));
        double[][] expected = {
            // flip, jitter, grayscale, blur, solarize
            {0.5, 0.8, 0.2, 1.0, 0.0},
            {0.5, 0.8, 0.2, 0.1, 0.2},
        };
        for (int view = 0; view < 2; view++) {
            int[] counts = new int[5];
            int[] levels = new int[3];
            int[] firstOp = new int[4];
            for (int i = 0; i < N; i++) {
                ViewPlan p = aug.plan(500, 375, view, Rng.of(99, 0, i, view));
                counts[0] += p.box().flipped() ? 1 : 0;
                counts[1] += p.jitter() != null ? 1 : 0;
                counts[2] += p.grayscale() ? 1 : 0;
                counts[3] += p.blurLevel() >= 0 ? 1 : 0;
                counts[4] += p.solarize() ? 1 : 0;
                if (p.blurLevel() >= 0) {
                    levels[p.blurLevel()]++;
                }
                if (p.jitter() != null) {
                    firstOp[p.jitter().order()[0]]++;
                    assertJitterInRange(p.jitter());
                }
            }
            String[] names = {"flip", "jitter", "grayscale", "blur", "solarize"};
            for (int k = 0; k < 5; k++) {
                double rate = (double) counts[k] / N;
                double p = expected[view][k];
                double bound = p == 0 || p == 1 ? 0 : 5 * Math.sqrt(p * (1 - p) / N);
                assertEquals(p, rate, bound, names[k] + " rate of view " + (view + 1));
            }
            for (int level = 0; level < 3; level++) {
                double share = (double) levels[level] / counts[3];
                assertEquals(1.0 / 3, share, 5 * Math.sqrt(2.0 / 9 / counts[3]), "blur level " + level);
            }
            for (int op = 0; op < 4; op++) {
                double share = (double) firstOp[op] / counts[1];
                assertEquals(0.25, share, 5 * Math.sqrt(0.1875 / counts[1]), "jitter op " + op + " first");
            }
        }
    }

    private static void assertJitterInRange(ColorJitter j) {
        assertTrue(j.brightness() >= 0.6f && j.brightness() <= 1.4f, "brightness " + j.brightness());
        assertTrue(j.contrast() >= 0.6f && j.contrast() <= 1.4f, "contrast " + j.contrast());
        assertTrue(j.saturation() >= 0.8f && j.saturation() <= 1.2f, "saturation " + j.saturation());
        assertTrue(j.hue() >= -0.1f && j.hue() <= 0.1f, "hue " + j.hue());
    }

    @Test
    void simpleDrawsOnlyCropAndFlip() {
        TwoViewAugmentation aug = TwoViewAugmentation.of(new AugmentConfig("simple", 224, Arrays.asList(0.2, 1.0), "random_resized_crop"));
        for (int i = 0; i < 1000; i++) {
            ViewPlan p = aug.plan(500, 375, i % 2, Rng.of(5, i));
            assertEquals(null, p.jitter());
            assertTrue(!p.grayscale() && p.blurLevel() < 0 && !p.solarize(), p.toString());
        }
    }
}
