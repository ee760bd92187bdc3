package org.elasticscrl.core.augment;

/**
 * torchvision's {@code ToTensor()} then {@code Normalize(mean, std)} with the ImageNet statistics:
 * {@code (v / 255 - mean[c]) / std[c]} in float32, which takes 256 values per channel, so it is a
 * table. Output is planar CHW, as the network reads it.
 */
final class Normalize {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** {@code TABLE[c * 256 + v]}. */
    private static final float[] TABLE = new float[3 * 256];

    static {
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                TABLE[c * 256 + v] = ((float) v / 255f - MEAN[c]) / STD[c];
            }
        }
    }

    private Normalize() {}

    /** Writes the interleaved {@code pixels} of {@code rgb} as three planes from {@code dst[offset]}. */
    static void toChw(byte[] rgb, int pixels, float[] dst, int offset) {
        if (offset < 0 || dst.length - offset < 3L * pixels) {
            throw new IllegalArgumentException("destination has " + (dst.length - offset)
                    + " floats from offset " + offset + ", a view needs " + 3L * pixels);
        }
        int g = offset + pixels;
        int b = offset + 2 * pixels;
        for (int i = 0, p = 0; i < pixels; i++, p += 3) {
            dst[offset + i] = TABLE[rgb[p] & 0xff];
            dst[g + i] = TABLE[256 + (rgb[p + 1] & 0xff)];
            dst[b + i] = TABLE[512 + (rgb[p + 2] & 0xff)];
        }
    }
}
