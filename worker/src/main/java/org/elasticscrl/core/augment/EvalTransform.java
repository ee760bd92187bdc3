package org.elasticscrl.core.augment;

import org.elasticscrl.core.data.Image;
import org.elasticscrl.core.roi.CropBox;

/**
 * Deterministic transforms to an {@code S x S} normalised CHW view, with PIL-exact bicubic
 * resampling: the reference's test transform (resize the shorter side, centre crop) or the whole
 * image squeezed to a square (for scenes whose boxes must all stay in view).
 */
public final class EvalTransform {
    /** The reference pads the view by 32 px before the centre crop: 224 -> 256. */
    static final int PAD = 32;

    private final int size;
    private final boolean crop;

    private EvalTransform(int size, boolean crop) {
        if (size < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + size);
        }
        this.size = size;
        this.crop = crop;
    }

    /** Reference test transform: Resize(shorter side -> round(S*(S+32)/S), bicubic), CenterCrop(S), ToTensor, Normalize. */
    public static EvalTransform centerCrop(int inputSize) {
        return new EvalTransform(inputSize, true);
    }

    /** Whole image resized to S x S (bicubic), ToTensor, Normalize: for images whose boxes must stay in view (scenes). */
    public static EvalTransform resizeWhole(int inputSize) {
        return new EvalTransform(inputSize, false);
    }

    public int size() {
        return size;
    }

    /** Writes the view of {@code image} as {@code 3 x S x S} floats from {@code dst[offset]}. */
    public void render(Image image, float[] dst, int offset) {
        Workspace ws = Workspace.local();
        byte[] px = ws.first(3 * size * size);
        int w = image.width();
        int h = image.height();
        if (crop) {
            Geometry g = geometry(w, h);
            Bicubic.resizeWindow(image.rgb(), w, 0, 0, w, h, g.resizedW, g.resizedH,
                    g.left, g.top, size, size, false, px, ws);
        } else {
            Bicubic.resize(image.rgb(), w, 0, 0, w, h, size, size, false, px, ws);
        }
        Normalize.toChw(px, size * size, dst, offset);
    }

    /**
     * The part of a {@code width x height} image the view shows, in original pixels (rounded, kept
     * inside the image). The reference's {@code CenterCrop.with_trans_info} takes the crop's top
     * from the widths (a swap that only matters for non-square images); this is the true region.
     */
    public CropBox region(int width, int height) {
        if (!crop) {
            return new CropBox(0, 0, height, width, false);
        }
        Geometry g = geometry(width, height);
        double sy = (double) g.resizedH / height;
        double sx = (double) g.resizedW / width;
        int h = Math.max(1, Math.min(height, (int) Math.rint(size / sy)));
        int w = Math.max(1, Math.min(width, (int) Math.rint(size / sx)));
        int top = Math.min(height - h, (int) Math.rint(g.top / sy));
        int left = Math.min(width - w, (int) Math.rint(g.left / sx));
        return new CropBox(top, left, h, w, false);
    }

    /** Size after the shorter-side resize, and the centre crop's corner in that image. */
    private record Geometry(int resizedW, int resizedH, int top, int left) {}

    private Geometry geometry(int width, int height) {
        // torchvision: Resize(round(S * (S + 32) / S)); the long side is int(short' * long / short)
        int shortSide = (int) Math.rint(size * ((double) (size + PAD) / size));
        int rw;
        int rh;
        if (width <= height) {
            rw = shortSide;
            rh = (int) ((double) shortSide * height / width);
        } else {
            rh = shortSide;
            rw = (int) ((double) shortSide * width / height);
        }
        // CenterCrop: int(round((H - S) / 2.0)), Python rounds ties to even
        int top = (int) Math.rint((rh - size) / 2.0);
        int left = (int) Math.rint((rw - size) / 2.0);
        return new Geometry(rw, rh, top, left);
    }
}
