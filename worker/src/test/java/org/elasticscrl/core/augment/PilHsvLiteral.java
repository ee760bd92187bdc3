package org.elasticscrl.core.augment;

/**
 * A line-by-line port of Pillow 9.4's rgb2hsv_row and hsv2rgb (Convert.c), keeping C's float and
 * double promotions: the reference {@link Hue}'s tables are checked against. Slow and plain.
 */
final class PilHsvLiteral {
    private PilHsvLiteral() {}

    /** {@code h | s << 8 | v << 16}. */
    static int toHsv(int r, int g, int b) {
        int maxc = Math.max(r, Math.max(g, b));
        int minc = Math.min(r, Math.min(g, b));
        if (minc == maxc) {
            return maxc << 16;
        }
        float cr = (float) (maxc - minc);
        float s = cr / (float) maxc;
        float rc = ((float) (maxc - r)) / cr;
        float gc = ((float) (maxc - g)) / cr;
        float bc = ((float) (maxc - b)) / cr;
        float h;
        if (r == maxc) {
            h = bc - gc;
        } else if (g == maxc) {
            h = (float) (2.0 + rc - bc);
        } else {
            h = (float) (4.0 + gc - rc);
        }
        h = (float) ((h / 6.0 + 1.0) % 1.0); // C fmod; Java's % on doubles is the same exact remainder
        int uh = clip8((int) (h * 255.0));
        int us = clip8((int) (s * 255.0));
        return uh | us << 8 | maxc << 16;
    }

    /** {@code r | g << 8 | b << 16}. */
    static int toRgb(int h, int s, int v) {
        if (s == 0) {
            return v | v << 8 | v << 16;
        }
        int i = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) i);
        float fs = (float) (((float) s) / 255.0);
        int p = clip8((int) cRound((float) v * (1.0 - fs)));
        int q = clip8((int) cRound((float) v * (1.0 - fs * f)));
        int t = clip8((int) cRound((float) v * (1.0 - fs * (1.0 - f))));
        switch (i % 6) {
            case 0: return v | t << 8 | p << 16;
            case 1: return q | v << 8 | p << 16;
            case 2: return p | v << 8 | t << 16;
            case 3: return p | q << 8 | v << 16;
            case 4: return t | p << 8 | v << 16;
            default: return v | p << 8 | q << 16;
        }
    }

    /** C's round(): half away from zero. */
    private static double cRound(double x) {
        return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }
}
