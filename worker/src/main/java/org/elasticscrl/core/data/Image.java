package org.elasticscrl.core.data;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved {@code r, g, b} (PIL's "RGB" mode):
 * the augmentation pipeline works on these bytes the way torchvision works on PIL images.
 */
public record Image(int width, int height, byte[] rgb) {
    public Image {
        if (width <= 0 || height <= 0 || rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("image " + width + "x" + height + " needs "
                    + 3L * width * height + " bytes, got " + rgb.length);
        }
    }

    public static Image blank(int width, int height) {
        return new Image(width, height, new byte[3 * width * height]);
    }

    /** Channel {@code c} of pixel {@code (x, y)} as 0..255. */
    public int get(int x, int y, int c) {
        return rgb[3 * (y * width + x) + c] & 0xff;
    }

    public void set(int x, int y, int c, int value) {
        rgb[3 * (y * width + x) + c] = (byte) value;
    }
}
