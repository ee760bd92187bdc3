package org.elasticscrl.core.augment;

import java.util.random.RandomGenerator;
import org.elasticscrl.config.AugmentConfig;
import org.elasticscrl.core.data.Image;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RandomResizedCrop;

/**
 * The reference's two-view training augmentation (REFERENCE §6, {@code augment/getters.py}) on
 * 8-bit RGB images, quantised to 8 bits after every operation as PIL does:
 * <ul>
 *   <li>{@code simclr}: RandomResizedCrop (bicubic), flip, ColorJitter(0.4, 0.4, 0.2, 0.1) with
 *       p 0.8, grayscale p 0.2, ResizeBlur with p 1.0 / 0.1, solarize with p 0.0 / 0.2 (view 1 /
 *       view 2), ToTensor, Normalize;
 *   <li>{@code simple}: crop, flip, ToTensor, Normalize;
 *   <li>{@code none}: the centre-crop test transform for both views (no randomness).
 * </ul>
 * With {@code augment.view1_geometry: resize} view 1 is the whole image resized to the view size,
 * never flipped (colour stages only: the LC-loss paper's target image); view 2 is unchanged.
 * The random draws and their order are listed in {@link ViewPlan}. Thread-safe: scratch buffers are
 * per thread, so one instance can serve a whole loader pool.
 */
public final class TwoViewAugmentation {
    private enum Kind { SIMCLR, SIMPLE, NONE }

    private final Kind kind;
    private final int size;
    private final RandomResizedCrop crop;
    private final boolean plainFirstView;
    private final EvalTransform eval;

    private TwoViewAugmentation(Kind kind, int size, RandomResizedCrop crop, boolean plainFirstView) {
        this.kind = kind;
        this.size = size;
        this.crop = crop;
        this.plainFirstView = plainFirstView;
        this.eval = EvalTransform.centerCrop(size);
    }

    public static TwoViewAugmentation of(AugmentConfig cfg) {
        Kind kind;
        switch (cfg.type()) {
            case "simclr": kind = Kind.SIMCLR; break;
            case "simple": kind = Kind.SIMPLE; break;
            case "none": kind = Kind.NONE; break;
            default: throw new IllegalArgumentException("augment.type '" + cfg.type()
                    + "' is not one of " + AugmentConfig.TYPES);
        }
        RandomResizedCrop crop = RandomResizedCrop.withScale(cfg.cropScale().get(0), cfg.cropScale().get(1));
        return new TwoViewAugmentation(kind, cfg.inputSize(), crop, cfg.plainFirstView());
    }

    /** Side of each square view in pixels. */
    public int size() {
        return size;
    }

    /**
     * Renders view {@code view} (0 = view 1, 1 = view 2) of {@code image} as normalised CHW float32
     * into {@code dst[offset .. offset + 3*S*S)}; returns the RandomResizedCrop box in original
     * pixels and the flip flag. All randomness comes from {@code rng}, in the order documented on
     * {@link ViewPlan}; type {@code none} draws nothing and returns its centre-crop region.
     */
    public CropBox render(Image image, int view, RandomGenerator rng, float[] dst, int offset) {
        if (view != 0 && view != 1) {
            throw new IllegalArgumentException("view must be 0 or 1, got " + view);
        }
        if (kind == Kind.NONE) {
            eval.render(image, dst, offset);
            return eval.region(image.width(), image.height());
        }
        ViewPlan plan = plan(image.width(), image.height(), view, rng);
        Workspace ws = Workspace.local();
        byte[] px = ws.first(3 * size * size);
        pixels(image, plan, size, px, ws);
        Normalize.toChw(px, size * size, dst, offset);
        return plan.box();
    }

    /** The 8-bit view that {@code plan} makes of {@code image}, before ToTensor, into {@code out}. */
    static void pixels(Image image, ViewPlan plan, int size, byte[] out, Workspace ws) {
        CropBox box = plan.box();
        if (box.top() < 0 || box.left() < 0 || box.top() + box.height() > image.height()
                || box.left() + box.width() > image.width()) {
            throw new IllegalArgumentException("crop " + box + " outside the " + image.width() + "x"
                    + image.height() + " image");
        }
        Bicubic.resize(image.rgb(), image.width(), box.left(), box.top(), box.width(), box.height(),
                size, size, box.flipped(), out, ws);
        plan.applyColour(out, size, ws);
    }

    /** The random choices {@link #render} makes for a {@code width x height} image. */
    ViewPlan plan(int width, int height, int view, RandomGenerator rng) {
        ViewPlan geometry = view == 0 && plainFirstView
                ? ViewPlan.whole(width, height)
                : ViewPlan.geometric(crop, width, height, rng);
        return kind == Kind.SIMCLR ? ViewPlan.withColour(geometry, view, rng) : geometry;
    }

    @Override
    public String toString() {
        return "TwoViewAugmentation[" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + size
                + " px, crop scale " + crop.scaleLo() + ".." + crop.scaleHi()
                + (plainFirstView ? ", view 1 resized whole" : "") + "]";
    }
}
