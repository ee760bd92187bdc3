package org.elasticscrl.core.augment;

/**
 * The reference's {@code ResizeBlur} (its default blur, REFERENCE §6): shrink by a factor 1.1, 1.2
 * or 1.5 (level 0, 1, 2) to {@code (int(h // f), int(w // f))} and enlarge back to {@code (h, w)},
 * both with PIL's bicubic resampling.
 */
final class ResizeBlur {
    /** The reference's factors; it draws a level below {@code max_level = 3}, so only the first three. */
    static final double[] FACTORS = {1.1, 1.2, 1.5};

    private ResizeBlur() {}

    /** Blurs the {@code width x height} image in {@code rgb} in place. */
    static void apply(byte[] rgb, int width, int height, int level, Workspace ws) {
        if (level < 0 || level >= FACTORS.length) {
            throw new IllegalArgumentException("blur level " + level + " not in 0.." + (FACTORS.length - 1));
        }
        int dw = shrunk(width, level);
        int dh = shrunk(height, level);
        if (dw <= 0 || dh <= 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image is too small to blur");
        }
        byte[] small = ws.second(3 * dw * dh);
        Bicubic.resize(rgb, width, 0, 0, width, height, dw, dh, false, small, ws);
        Bicubic.resize(small, dw, 0, 0, dw, dh, width, height, false, rgb, ws);
    }

    /** {@code int(side // factor)} with Python's float floor division. */
    static int shrunk(int side, int level) {
        return (int) pythonFloorDiv(side, FACTORS[level]);
    }

    /**
     * Python's {@code a // b} for positive floats: {@code (a - fmod(a, b)) / b}, floored, and
     * rounded up if that lost more than one half (CPython's {@code float_floor_div}). Plain
     * {@code floor(a / b)} can differ by one when {@code a / b} rounds up to an integer.
     */
    static double pythonFloorDiv(double a, double b) {
        double mod = a % b; // Java's % on doubles is C's fmod: exact
        double div = (a - mod) / b;
        if (div == 0.0) {
            return 0.0;
        }
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }
}
