package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.elasticscrl.config.AugmentConfig;
import org.elasticscrl.plan.Rng;
import org.elasticscrl.core.data.Image;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RandomResizedCrop;
import org.junit.jupiter.api.Test;

/** Determinism, the crop and flip it reports, the draw order and the shape of the output. */
class TwoViewAugmentationTest {
    private static final int S = 32;

    static TwoViewAugmentation augmentation(String type) {
        return TwoViewAugmentation.of(new AugmentConfig(type, S, Arrays.asList(0.2, 1.0), "random_resized_crop"));
    }

    /** Smooth random colours (the benchmark's) with extra grain that depends on {@code seed}. */
    static Image picture(int width, int height, long seed) {
        byte[] rgb = AugmentBenchmark.images(1, width, height).get(0).rgb().clone();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) Math.max(0, Math.min(255, (rgb[i] & 0xff) + rng.nextInt(-20, 21)));
        }
        return new Image(width, height, rgb);
    }

    /** R = x, G = y, B = 128: each pixel tells where it came from. */
    static Image gradient(int width, int height) {
        Image im = Image.blank(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.set(x, y, 0, x);
                im.set(x, y, 1, y);
                im.set(x, y, 2, 128);
            }
        }
        return im;
    }

    @Test
    void sameImageAndSeedGiveBitIdenticalViews() {
        Image im = picture(90, 70, 1);
        TwoViewAugmentation aug = augmentation("simclr");
        for (int view = 0; view < 2; view++) {
            float[] a = new float[3 * S * S];
            float[] b = new float[3 * S * S];
            CropBox ba = aug.render(im, view, Rng.of(7, 1, 42, view), a, 0);
            CropBox bb = aug.render(im, view, Rng.of(7, 1, 42, view), b, 0);
            assertEquals(ba, bb);
            assertArrayEquals(a, b);
        }
    }

    @Test
    void oneThreadAndFourThreadsRenderIdenticalBatches() throws Exception {
        List<Image> images = List.of(picture(90, 70, 1), picture(45, 60, 2), picture(37, 29, 3), picture(300, 200, 4));
        TwoViewAugmentation aug = augmentation("simclr");
        int samples = 96;
        float[] serial = render(aug, images, samples, 1);
        float[] parallel = render(aug, images, samples, 4);
        assertArrayEquals(serial, parallel);
        assertFalse(Arrays.equals(Arrays.copyOfRange(serial, 0, 3 * S * S),
                Arrays.copyOfRange(serial, 3 * S * S, 6 * S * S)), "the two views of a sample differ");
    }

    private static float[] render(TwoViewAugmentation aug, List<Image> images, int samples, int threads)
            throws Exception {
        float[] out = new float[samples * 2 * 3 * S * S];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[samples];
            for (int i = 0; i < samples; i++) {
                int sample = i;
                done[i] = pool.submit(() -> {
                    for (int view = 0; view < 2; view++) {
                        aug.render(images.get(sample % images.size()), view, Rng.of(2021, 3, sample, view),
                                out, (2 * sample + view) * 3 * S * S);
                    }
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return out;
    }

    @Test
    void reportsTheCropRandomResizedCropDrawsThenTheFlipAndConsumesTheDocumentedDraws() {
        Image im = picture(90, 70, 5);
        RandomResizedCrop crop = RandomResizedCrop.withScale(0.2, 1.0);
        for (String type : List.of("simple", "simclr")) {
            TwoViewAugmentation aug = augmentation(type);
            for (int seed = 0; seed < 200; seed++) {
                int view = seed % 2;
                SplittableRandom used = Rng.of(seed, 0, 0, view);
                CropBox box = aug.render(im, view, used, new float[3 * S * S], 0);
                SplittableRandom replay = Rng.of(seed, 0, 0, view);
                CropBox expected = crop.sample(im.height(), im.width(), replay);
                boolean flip = replay.nextDouble() < 0.5;
                assertEquals(expected.withFlip(flip), box, type + " seed " + seed);
                if (type.equals("simclr")) {
                    replayColourDraws(replay, view);
                }
                assertEquals(replay.nextLong(), used.nextLong(), type + " seed " + seed + ": draws after the view");
            }
        }
    }

    /** The draws ViewPlan documents after crop and flip, made by hand. */
    private static void replayColourDraws(SplittableRandom rng, int view) {
        if (rng.nextDouble() <= 0.8) {
            rng.nextInt(4);
            rng.nextInt(3);
            rng.nextInt(2);
            for (int factor = 0; factor < 4; factor++) {
                rng.nextDouble();
            }
        }
        rng.nextDouble(); // grayscale
        if (rng.nextDouble() <= ViewPlan.P_BLUR[view]) {
            rng.nextInt(3);
        }
        rng.nextDouble(); // solarize
    }

    @Test
    void simpleViewShowsTheReportedCropMirroredWhenFlipped() {
        Image im = gradient(256, 200);
        TwoViewAugmentation aug = augmentation("simple");
        int flips = 0;
        for (int seed = 0; seed < 60; seed++) {
            float[] dst = new float[3 * S * S];
            CropBox box = aug.render(im, 0, Rng.of(seed, 9), dst, 0);
            flips += box.flipped() ? 1 : 0;
            for (int y = 3; y < S - 3; y++) {
                for (int x = 3; x < S - 3; x++) {
                    int sx = box.flipped() ? S - 1 - x : x;
                    double wantX = box.left() + (sx + 0.5) * box.width() / S - 0.5;
                    double wantY = box.top() + (y + 0.5) * box.height() / S - 0.5;
                    assertEquals(wantX, level(dst, 0, y, x), 1.5, "R at " + x + "," + y + " of " + box);
                    assertEquals(wantY, level(dst, 1, y, x), 1.5, "G at " + x + "," + y + " of " + box);
                    assertEquals(128, level(dst, 2, y, x), "B at " + x + "," + y);
                }
            }
        }
        assertTrue(flips > 10 && flips < 50, flips + " flips in 60");
    }

    /** The 8-bit level a normalised value came from. */
    private static int level(float[] chw, int c, int y, int x) {
        float v = chw[(c * S + y) * S + x];
        return (int) Math.round((v * Normalize.STD[c] + Normalize.MEAN[c]) * 255.0);
    }

    @Test
    void typeNoneGivesTheCentreCropForBothViewsAndDrawsNothing() {
        Image im = picture(90, 70, 6);
        TwoViewAugmentation aug = augmentation("none");
        float[] expected = new float[3 * S * S];
        EvalTransform.centerCrop(S).render(im, expected, 0);
        for (int view = 0; view < 2; view++) {
            SplittableRandom rng = Rng.of(3, view);
            float[] dst = new float[3 * S * S];
            CropBox box = aug.render(im, view, rng, dst, 0);
            assertArrayEquals(expected, dst);
            assertEquals(EvalTransform.centerCrop(S).region(90, 70), box);
            assertEquals(Rng.of(3, view).nextLong(), rng.nextLong(), "no draws");
        }
    }

    @Test
    void simpleIsCropFlipAndNormaliseOnly() {
        Image im = picture(90, 70, 7);
        float[] dst = new float[3 * S * S];
        CropBox box = augmentation("simple").render(im, 1, Rng.of(11), dst, 0);
        byte[] px = new byte[3 * S * S];
        Bicubic.resize(im.rgb(), im.width(), box.left(), box.top(), box.width(), box.height(), S, S,
                box.flipped(), px, Workspace.local());
        float[] expected = new float[3 * S * S];
        Normalize.toChw(px, S * S, expected, 0);
        assertArrayEquals(expected, dst);
    }

    @Test
    void resizeGeometryMakesView1TheWholeImageWithColourStagesOnly() {
        Image im = picture(90, 70, 9);
        CropBox whole = new CropBox(0, 0, 70, 90, false);
        AugmentConfig plain = new AugmentConfig("simple", S, Arrays.asList(0.2, 1.0), "resize");
        SplittableRandom rng = Rng.of(5, 0);
        float[] dst = new float[3 * S * S];
        assertEquals(whole, TwoViewAugmentation.of(plain).render(im, 0, rng, dst, 0));
        assertEquals(Rng.of(5, 0).nextLong(), rng.nextLong(), "no crop or flip drawn");
        byte[] px = new byte[3 * S * S];
        Bicubic.resize(im.rgb(), 90, 0, 0, 90, 70, S, S, false, px, Workspace.local());
        float[] expected = new float[3 * S * S];
        Normalize.toChw(px, S * S, expected, 0);
        assertArrayEquals(expected, dst, "a plain bicubic resize of the whole image");

        TwoViewAugmentation lc = TwoViewAugmentation.of(new AugmentConfig("simclr", S, Arrays.asList(0.2, 1.0), "resize"));
        TwoViewAugmentation byol = augmentation("simclr");
        int coloured = 0;
        for (int seed = 0; seed < 20; seed++) {
            float[] a = new float[3 * S * S];
            float[] b = new float[3 * S * S];
            assertEquals(whole, lc.render(im, 0, Rng.of(seed, 0), a, 0), "view 1 is never cropped or flipped");
            coloured += Arrays.equals(a, expected) ? 0 : 1;
            float[] c = new float[3 * S * S];
            assertEquals(byol.render(im, 1, Rng.of(seed, 1), b, 0), lc.render(im, 1, Rng.of(seed, 1), c, 0));
            assertArrayEquals(b, c, "view 2 is the usual crop, flip and colour");
        }
        assertTrue(coloured > 10, coloured + " of 20 view-1 renders were changed by the colour stages");
    }

    @Test
    void writesOnlyItsSliceAndRejectsBadArguments() {
        Image im = picture(90, 70, 8);
        TwoViewAugmentation aug = augmentation("simclr");
        float[] dst = new float[2 * 3 * S * S + 4];
        Arrays.fill(dst, Float.NaN);
        aug.render(im, 1, Rng.of(1), dst, 3 * S * S + 2);
        for (int i = 0; i < dst.length; i++) {
            assertEquals(i >= 3 * S * S + 2 && i < 2 * 3 * S * S + 2, !Float.isNaN(dst[i]), "index " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> aug.render(im, 2, Rng.of(1), dst, 0));
        assertThrows(IllegalArgumentException.class, () -> aug.render(im, 0, Rng.of(1), new float[3 * S * S - 1], 0));
        assertEquals(S, aug.size());
    }
}
