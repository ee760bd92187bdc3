package org.elasticscrl.core.roi;

/**
 * Where a view came from: the RandomResizedCrop box in original-image pixels (integers, as
 * torchvision's {@code get_params} returns them) and whether the view was flipped horizontally.
 * The reference carries the same five numbers as {@code transf = [top, left, height, width, flip]}.
 */
public record CropBox(int top, int left, int height, int width, boolean flipped) {
    public CropBox {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop must have a positive size: " + height + "x" + width);
        }
    }

    public CropBox withFlip(boolean flip) {
        return new CropBox(top, left, height, width, flip);
    }
}
