package org.elasticscrl.core.augment;

/**
 * torchvision's PIL {@code adjust_hue}: convert to PIL's 8-bit "HSV", add
 * {@code np.uint8(hue_factor * 255)} to H with uint8 wrap-around, convert back to "RGB". PIL's
 * conversions (Convert.c, "following colorsys.py") mix C float and double arithmetic; the code
 * below keeps each operation in the precision C evaluates it in, so the bytes match. The round
 * trip is lossy even for a shift of 0, as in torchvision.
 */
final class Hue {
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
                continue; // h = s = 0 and hsv2rgb returns (v, v, v): grey is a fixed point
            }
            float cr = max - min;
            float s = cr / (float) max;
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
            // fmod(h / 6 + 1, 1) for an argument in [0.8, 1.9): exact either way
            double wrapped = h / 6.0 + 1.0;
            h = (float) (wrapped >= 1.0 ? wrapped - 1.0 : wrapped);
            int hue = (clip8((int) (h * 255.0)) + shift) & 0xff;
            int sat = clip8((int) (s * 255.0));
            toRgb(rgb, i, hue, sat, max);
        }
    }

    /** PIL's hsv2rgb for one pixel with s > 0 or s == 0. */
    private static void toRgb(byte[] rgb, int at, int h, int s, int v) {
        if (s == 0) {
            rgb[at] = (byte) v;
            rgb[at + 1] = (byte) v;
            rgb[at + 2] = (byte) v;
            return;
        }
        int sector = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) sector);
        float fs = (float) ((float) s / 255.0);
        int p = clip8((int) Math.round((float) v * (1.0 - fs)));
        int q = clip8((int) Math.round((float) v * (1.0 - fs * f)));
        int t = clip8((int) Math.round((float) v * (1.0 - fs * (1.0 - f))));
        int r;
        int g;
        int b;
        switch (sector % 6) {
            case 0: r = v; g = t; b = p; break;
            case 1: r = q; g = v; b = p; break;
            case 2: r = p; g = v; b = t; break;
            case 3: r = p; g = q; b = v; break;
            case 4: r = t; g = p; b = v; break;
            default: r = v; g = p; b = q; break;
        }
        rgb[at] = (byte) r;
        rgb[at + 1] = (byte) g;
        rgb[at + 2] = (byte) b;
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }
}
