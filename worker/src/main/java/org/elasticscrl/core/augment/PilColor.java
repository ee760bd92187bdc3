package org.elasticscrl.core.augment;

/**
 * PIL's point colour operations on interleaved 8-bit RGB, in place, with PIL's integer and
 * single-precision arithmetic so the bytes match: {@code ImageEnhance.Brightness/Contrast/Color}
 * (each {@code Image.blend} of a "degenerate" image with the input), {@code convert("L")} and
 * {@code ImageOps.solarize}.
 */
final class PilColor {
    private static final byte[] SOLARIZE_128 = new byte[256];

    static {
        for (int v = 0; v < 256; v++) {
            SOLARIZE_128[v] = (byte) (v < 128 ? v : 255 - v);
        }
    }

    private PilColor() {}

    /** PIL's "L" of a pixel: ITU-R 601-2 luma, (R*299 + G*587 + B*114)/1000 in 16-bit fixed point. */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /**
     * One byte of {@code Image.blend(degenerate, image, alpha)}: {@code d + alpha * (v - d)} in
     * float, truncated; clipped to 0..255 (only extrapolation, alpha outside [0, 1], can leave it).
     */
    static int blend(int degenerate, int value, float alpha) {
        float t = degenerate + alpha * (value - degenerate);
        return t <= 0f ? 0 : t >= 255f ? 255 : (int) t;
    }

    /** {@code ImageEnhance.Brightness(img).enhance(factor)}: a blend with black. */
    static void brightness(byte[] rgb, int pixels, float factor) {
        apply(rgb, pixels, blendTable(0, factor));
    }

    /**
     * {@code ImageEnhance.Contrast(img).enhance(factor)}: a blend with the uniform grey whose level
     * is the mean of the "L" image rounded half up, {@code int(mean + 0.5)}.
     */
    static void contrast(byte[] rgb, int pixels, float factor) {
        long sum = 0;
        for (int i = 0, n = 3 * pixels; i < n; i += 3) {
            sum += luma(rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff);
        }
        int mean = (int) ((double) sum / pixels + 0.5);
        apply(rgb, pixels, blendTable(mean, factor));
    }

    /** {@code ImageEnhance.Color(img).enhance(factor)}: a blend with the image's own "L" grey. */
    static void saturation(byte[] rgb, int pixels, float factor) {
        for (int i = 0, n = 3 * pixels; i < n; i += 3) {
            int r = rgb[i] & 0xff;
            int g = rgb[i + 1] & 0xff;
            int b = rgb[i + 2] & 0xff;
            int l = luma(r, g, b);
            rgb[i] = (byte) blend(l, r, factor);
            rgb[i + 1] = (byte) blend(l, g, factor);
            rgb[i + 2] = (byte) blend(l, b, factor);
        }
    }

    /** {@code convert("L")} written back to all three channels (torchvision's 3-channel grayscale). */
    static void grayscale(byte[] rgb, int pixels) {
        for (int i = 0, n = 3 * pixels; i < n; i += 3) {
            byte l = (byte) luma(rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff);
            rgb[i] = l;
            rgb[i + 1] = l;
            rgb[i + 2] = l;
        }
    }

    /** {@code ImageOps.solarize(img, 128)}: every level at or above 128 becomes {@code 255 - v}. */
    static void solarize(byte[] rgb, int pixels) {
        apply(rgb, pixels, SOLARIZE_128);
    }

    /** The blend as a table over input levels, when the degenerate level is the same everywhere. */
    private static byte[] blendTable(int degenerate, float alpha) {
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (byte) blend(degenerate, v, alpha);
        }
        return table;
    }

    private static void apply(byte[] rgb, int pixels, byte[] table) {
        for (int i = 0, n = 3 * pixels; i < n; i++) {
            rgb[i] = table[rgb[i] & 0xff];
        }
    }
}
