package org.elasticscrl.core.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.plan.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference sampler's behaviour on 10,000 seeded RandomResizedCrop pairs of a 500x375 image
 * at 224-px views (REFERENCE §2.9).
 */
class BoxSamplerTest {
    private static final int S = 224;
    private static final int PAIRS = 10_000;
    private static final BoxSampler SAMPLER =
            new BoxSampler(ConfigLoader.load("scrl_200ep", List.of()).network().scrl(), S);
    private static final List<CropBox[]> CROPS = new ArrayList<>();
    private static final List<BoxPairs> RESULTS = new ArrayList<>();

    @BeforeAll
    static void sample() {
        RandomResizedCrop rrc = RandomResizedCrop.withScale(0.2, 1.0);
        for (int i = 0; i < PAIRS; i++) {
            SplittableRandom rng = Rng.of(7, i);
            CropBox c1 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            CropBox c2 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            CROPS.add(new CropBox[] {c1, c2});
            RESULTS.add(SAMPLER.sample(c1, c2, rng));
        }
    }

    @Test
    void everyKeptPairHasKBoxesAndTheSkipRateIsTheReferences() {
        long skipped = RESULTS.stream().filter(BoxPairs::skipped).count();
        for (BoxPairs p : RESULTS) {
            assertTrue(p.skipped() || p.size() == 10, "K boxes per kept pair");
        }
        double rate = 100.0 * skipped / PAIRS;
        assertTrue(rate >= 0.8 && rate <= 1.7, "skip rate " + rate + "% outside 0.8-1.7%");
    }

    @Test
    void boxesAreAtLeastOneFeatureCellInBothViews() {
        for (BoxPairs p : RESULTS) {
            for (int k = 0; k < p.size(); k++) {
                for (double[] b : new double[][] {p.raw1()[k], p.raw2()[k]}) {
                    assertTrue(b[2] - b[0] >= 32 - 1e-9 && b[3] - b[1] >= 32 - 1e-9,
                            "box smaller than a cell: " + Arrays.toString(b));
                }
            }
        }
    }

    @Test
    void bothBoxesOfAPairCoverTheSameOriginalRegion() {
        double worst = 0;
        for (int i = 0; i < PAIRS; i++) {
            BoxPairs p = RESULTS.get(i);
            for (int k = 0; k < p.size(); k++) {
                double[] o1 = toOriginal(p.raw1()[k], CROPS.get(i)[0]);
                double[] o2 = toOriginal(p.raw2()[k], CROPS.get(i)[1]);
                for (int j = 0; j < 4; j++) {
                    worst = Math.max(worst, Math.abs(o1[j] - o2[j]));
                }
            }
        }
        assertTrue(worst <= 1e-4, "pair boxes differ by " + worst + " px in the original image");
    }

    /** Undo flip and crop: view pixels back to original-image pixels. */
    private static double[] toOriginal(double[] b, CropBox c) {
        double l = b[0];
        double r = b[2];
        if (c.flipped()) {
            l = S - b[2];
            r = S - b[0];
        }
        double sx = (double) c.width() / S;
        double sy = (double) c.height() / S;
        return new double[] {c.left() + l * sx, c.top() + b[1] * sy, c.left() + r * sx, c.top() + b[3] * sy};
    }

    @Test
    void acceptedBoxesOverlapLessThanHalfExceptTheFallback() {
        long imagesWithFallback = 0;
        for (BoxPairs p : RESULTS) {
            if (p.fallbacks() > 0) {
                imagesWithFallback++;
            }
            int violations = 0;
            for (int k = 1; k < p.size(); k++) {
                double max = 0;
                for (int j = 0; j < k; j++) {
                    max = Math.max(max, BoxSampler.iou(p.raw1()[k], p.view1()[j]));
                }
                if (max >= 0.5) {
                    violations++;
                }
            }
            assertTrue(violations <= p.fallbacks(), "IoU >= 0.5 without a fallback");
        }
        double perImage = (double) imagesWithFallback / PAIRS;
        assertTrue(perImage < 0.03, "fallback rate " + perImage + " per image (reference ~0.008)");
    }

    @Test
    void clippedWidthsMatchTheReferenceDistribution() {
        List<Double> widths = new ArrayList<>();
        for (BoxPairs p : RESULTS) {
            for (double[] b : p.view1()) {
                widths.add(b[2] - b[0]);
            }
        }
        double[] w = widths.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertWithin("median", percentile(w, 50), 49);
        assertWithin("p10", percentile(w, 10), 33);
        assertWithin("p90", percentile(w, 90), 109);
    }

    @Test
    void clippingKeepsBoxesInsideTheView() {
        for (BoxPairs p : RESULTS) {
            for (double[][] side : new double[][][] {p.view1(), p.view2()}) {
                for (double[] b : side) {
                    assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= S && b[3] <= S, Arrays.toString(b));
                }
            }
        }
    }

    @Test
    void flipIsASimultaneousSwap() {
        CropBox c = new CropBox(0, 0, 224, 224, false);
        CropBox flipped = c.withFlip(true);
        BoxPairs a = SAMPLER.sample(c, c, Rng.of(1));
        BoxPairs b = SAMPLER.sample(c, flipped, Rng.of(1));
        for (int k = 0; k < a.size(); k++) {
            double[] plain = a.raw2()[k];
            double[] mirrored = b.raw2()[k];
            assertEquals(S - plain[2], mirrored[0], 1e-9);
            assertEquals(S - plain[0], mirrored[2], 1e-9);
            assertTrue(mirrored[2] - mirrored[0] > 0, "width stays positive");
        }
    }

    @Test
    void sameSeedSameBoxes() {
        CropBox[] c = CROPS.get(3);
        BoxPairs a = SAMPLER.sample(c[0], c[1], Rng.of(99, 3));
        BoxPairs b = SAMPLER.sample(c[0], c[1], Rng.of(99, 3));
        assertTrue(Arrays.deepEquals(a.view1(), b.view1()) && Arrays.deepEquals(a.view2(), b.view2()));
    }

    private static double percentile(double[] sorted, double p) {
        double pos = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void assertWithin(String what, double actual, double reference) {
        assertTrue(Math.abs(actual - reference) <= 0.1 * reference,
                what + " " + actual + " not within 10% of " + reference);
    }
}
