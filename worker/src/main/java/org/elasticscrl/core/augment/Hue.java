package org.elasticscrl.core.augment;

/**
 * torchvision's PIL {@code adjust_hue}: convert to PIL's 8-bit "HSV", add
 * {@code np.uint8(hue_factor * 255)} to H with uint8 wrap-around, convert back to "RGB". The round
 * trip is lossy even for a shift of 0, as in torchvision.
 *
 * <p>PIL's conversions (Convert.c, "following colorsys.py") mix C float and double arithmetic.
 * Rather than redo that per pixel, the parts that depend on few inputs are tables filled once by
 * the literal formulas, so they are exact by construction: H depends only on which channels are
 * the max and min, the chroma and one distance from the max; S on chroma and max; hsv2rgb's
 * {@code p} on (s, v). Only {@code q} and {@code t}, which need all three, are computed per pixel.
 * The test suite compares both directions with a literal port over all 2^24 inputs.
 */
final class Hue {
    /** {@code HUE[(branch * 256 + chroma) * 256 + distance]}: rgb2hsv's H byte. */
    private static final byte[] HUE = new byte[6 * 256 * 256];
    /** {@code SAT[chroma * 256 + max]}: rgb2hsv's S byte. */
    private static final byte[] SAT = new byte[256 * 256];
    /** hsv2rgb's sector {@code floor(h * 6 / 255)} and remainder {@code f}, per H. */
    private static final int[] SECTOR = new int[256];
    private static final float[] FRACTION = new float[256];
    /** hsv2rgb's {@code fs = s / 255.0} as float, per S. */
    private static final float[] SCALE = new float[256];
    /** {@code P[s * 256 + v]}: hsv2rgb's {@code p = round(v * (1 - fs))}. */
    private static final byte[] P = new byte[256 * 256];

    static {
        for (int cr = 1; cr < 256; cr++) {
            for (int d = 0; d <= cr; d++) {
                // a representative pixel of each branch with max = chroma, min = 0 (see hueIndex)
                int e = cr - d;
                HUE[index(0, cr, d)] = (byte) literalHue(cr, 0, e);
                HUE[index(1, cr, d)] = (byte) literalHue(cr, e, 0);
                HUE[index(2, cr, d)] = (byte) literalHue(0, cr, e);
                HUE[index(3, cr, d)] = (byte) literalHue(e, cr, 0);
                HUE[index(4, cr, d)] = (byte) literalHue(e, 0, cr);
                HUE[index(5, cr, d)] = (byte) literalHue(0, e, cr);
            }
            for (int max = cr; max < 256; max++) {
                float s = (float) cr / (float) max;
                SAT[cr * 256 + max] = (byte) clip8((int) (s * 255.0));
            }
        }
        for (int i = 0; i < 256; i++) {
            SECTOR[i] = (int) Math.floor((float) i * 6.0 / 255.0);
            FRACTION[i] = (float) ((float) i * 6.0 / 255.0 - (float) SECTOR[i]);
            SCALE[i] = (float) ((float) i / 255.0);
        }
        for (int s = 0; s < 256; s++) {
            for (int v = 0; v < 256; v++) {
                P[s * 256 + v] = (byte) clip8((int) Math.round((float) v * (1.0 - SCALE[s])));
            }
        }
    }

    private Hue() {}

    /** {@code np.uint8(hueFactor * 255)}: truncation towards zero, then modulo 256. */
    static int shift(double hueFactor) {
        if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) {
            throw new IllegalArgumentException("hue factor " + hueFactor + " is not in [-0.5, 0.5]");
        }
        return ((int) (hueFactor * 255)) & 0xff;
    }

    /** Rotates the hue of every pixel by {@code shift} (0..255) PIL hue steps, in place. */
    static void rotate(byte[] rgb, int pixels, int shift) {
        for (int i = 0, n = 3 * pixels; i < n; i += 3) {
            int r = rgb[i] & 0xff;
            int g = rgb[i + 1] & 0xff;
            int b = rgb[i + 2] & 0xff;
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            if (max == min) {
                continue; // h = s = 0, and hsv2rgb gives (v, v, v) back: greys are fixed points
            }
            int h = ((HUE[hueIndex(r, g, b, max, min)] & 0xff) + shift) & 0xff;
            int s = SAT[(max - min) * 256 + max] & 0xff;
            int out = toRgb(h, s, max);
            rgb[i] = (byte) out;
            rgb[i + 1] = (byte) (out >>> 8);
            rgb[i + 2] = (byte) (out >>> 16);
        }
    }

    /** PIL's rgb2hsv: {@code h | s << 8 | v << 16}. */
    static int toHsv(int r, int g, int b) {
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        if (max == min) {
            return max << 16;
        }
        return (HUE[hueIndex(r, g, b, max, min)] & 0xff) | (SAT[(max - min) * 256 + max] & 0xff) << 8 | max << 16;
    }

    /** PIL's hsv2rgb: {@code r | g << 8 | b << 16}. */
    static int toRgb(int h, int s, int v) {
        if (s == 0) {
            return v | v << 8 | v << 16;
        }
        float f = FRACTION[h];
        float fs = SCALE[s];
        int p = P[s * 256 + v] & 0xff;
        int q = clip8((int) Math.round((float) v * (1.0 - fs * f)));
        int t = clip8((int) Math.round((float) v * (1.0 - fs * (1.0 - f))));
        switch (SECTOR[h] % 6) {
            case 0: return v | t << 8 | p << 16;
            case 1: return q | v << 8 | p << 16;
            case 2: return p | v << 8 | t << 16;
            case 3: return p | q << 8 | v << 16;
            case 4: return t | p << 8 | v << 16;
            default: return v | p << 8 | q << 16;
        }
    }

    /**
     * The table entry of a non-grey pixel. PIL tests r == max, then g == max; within each branch
     * one of the two other channels is the min, so its normalised distance is exactly 1 and H
     * depends on the chroma and the remaining channel's distance from the max only.
     */
    private static int hueIndex(int r, int g, int b, int max, int min) {
        int cr = max - min;
        if (r == max) {
            return g == min ? index(0, cr, max - b) : index(1, cr, max - g);
        }
        if (g == max) {
            return r == min ? index(2, cr, max - b) : index(3, cr, max - r);
        }
        return g == min ? index(4, cr, max - r) : index(5, cr, max - g);
    }

    private static int index(int branch, int chroma, int distance) {
        return (branch * 256 + chroma) * 256 + distance;
    }

    /** rgb2hsv's H for a non-grey pixel, in C's float/double mix (fmod of a value in [0.8, 1.9)). */
    private static int literalHue(int r, int g, int b) {
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        float cr = max - min;
        float rc = (max - r) / cr;
        float gc = (max - g) / cr;
        float bc = (max - b) / cr;
        float h;
        if (r == max) {
            h = bc - gc;
        } else if (g == max) {
            h = (float) (2.0 + rc - bc);
        } else {
            h = (float) (4.0 + gc - rc);
        }
        double wrapped = h / 6.0 + 1.0;
        h = (float) (wrapped >= 1.0 ? wrapped - 1.0 : wrapped);
        return clip8((int) (h * 255.0));
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }
}
