package org.elasticscrl.core.augment;

import java.util.random.RandomGenerator;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RandomResizedCrop;

/**
 * Every random choice of one view, drawn before any pixel is touched (the draws do not depend on
 * pixel values, so drawing them up front gives the same stream as drawing them as the reference
 * goes). Draw order, from the caller's keyed stream:
 * <ol>
 *   <li>the crop: {@link RandomResizedCrop#sample} (two doubles per attempt, then two ints);
 *   <li>flip: {@code nextDouble() < 0.5};
 *   <li>(a {@link #whole} view draws neither crop nor flip and goes on with the colour draws);
 *   <li>then, for the full recipe only: jitter applied iff {@code nextDouble() <= 0.8}, and if so
 *       {@link ColorJitter#draw}; grayscale iff {@code nextDouble() < 0.2}; blur applied iff
 *       {@code nextDouble() <= pBlur}, and if so its level {@code nextInt(3)}; solarize iff
 *       {@code nextDouble() <= pSolarize}.
 * </ol>
 * The comparisons copy the reference: {@code RandomApply} skips when {@code p < u}, so it applies
 * when {@code u <= p} (with p = 0 only on a draw of exactly 0.0, one in 2^53, as in the
 * reference); {@code RandomGrayscale} and the flip apply when {@code u < p}. Every
 * {@code RandomApply} draws its {@code u} even when p is 0 or 1, as the reference does.
 *
 * @param box the crop and the flip flag
 * @param jitter the colour jitter, or {@code null} when not applied
 * @param blurLevel the {@link ResizeBlur} level, or -1 when not applied
 */
record ViewPlan(CropBox box, ColorJitter jitter, boolean grayscale, int blurLevel, boolean solarize) {
    static final double P_FLIP = 0.5;
    static final double P_JITTER = 0.8;
    static final double P_GRAYSCALE = 0.2;
    /** BYOL's asymmetric blur and solarisation, per view (REFERENCE §6). */
    static final double[] P_BLUR = {1.0, 0.1};
    static final double[] P_SOLARIZE = {0.0, 0.2};

    /** Crop and flip only ({@code simple}). */
    static ViewPlan geometric(RandomResizedCrop crop, int width, int height, RandomGenerator rng) {
        CropBox box = crop.sample(height, width, rng);
        boolean flip = rng.nextDouble() < P_FLIP;
        return new ViewPlan(box.withFlip(flip), null, false, -1, false);
    }

    /** The whole image, unflipped: a plain resize to the view size, with no random draw. */
    static ViewPlan whole(int width, int height) {
        return new ViewPlan(new CropBox(0, 0, height, width, false), null, false, -1, false);
    }

    /**
     * The full BYOL/SCRL recipe ({@code simclr}) for view 0 or 1: {@code g}'s geometry with the
     * colour stages drawn next from {@code rng}.
     */
    static ViewPlan withColour(ViewPlan g, int view, RandomGenerator rng) {
        ColorJitter jitter = applies(rng, P_JITTER) ? ColorJitter.draw(rng, 0.4, 0.4, 0.2, 0.1) : null;
        boolean gray = rng.nextDouble() < P_GRAYSCALE;
        int blur = applies(rng, P_BLUR[view]) ? rng.nextInt(ResizeBlur.FACTORS.length) : -1;
        boolean solarize = applies(rng, P_SOLARIZE[view]);
        return new ViewPlan(g.box, jitter, gray, blur, solarize);
    }

    /** Runs the colour and blur stages on the {@code size x size} view in {@code rgb}, in place. */
    void applyColour(byte[] rgb, int size, Workspace ws) {
        int pixels = size * size;
        if (jitter != null) {
            jitter.apply(rgb, pixels);
        }
        if (grayscale) {
            PilColor.grayscale(rgb, pixels);
        }
        if (blurLevel >= 0) {
            ResizeBlur.apply(rgb, size, size, blurLevel, ws);
        }
        if (solarize) {
            PilColor.solarize(rgb, pixels);
        }
    }

    /** torchvision's {@code RandomApply}: {@code if p < u: skip}. */
    private static boolean applies(RandomGenerator rng, double p) {
        return !(p < rng.nextDouble());
    }
}
