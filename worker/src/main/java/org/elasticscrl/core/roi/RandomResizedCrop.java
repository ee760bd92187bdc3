package org.elasticscrl.core.roi;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop.get_params} (0.14): ten attempts at an area fraction
 * ~U(scale) and a log-uniform aspect ratio, then a centre crop as fallback. Python's {@code round}
 * (ties to even) is reproduced with {@link Math#rint}.
 */
public record RandomResizedCrop(double scaleLo, double scaleHi, double ratioLo, double ratioHi) {
    public static final int ATTEMPTS = 10;

    public RandomResizedCrop {
        if (!(0 < scaleLo && scaleLo <= scaleHi && scaleHi <= 1) || !(0 < ratioLo && ratioLo <= ratioHi)) {
            throw new IllegalArgumentException("bad crop ranges: scale [" + scaleLo + ", " + scaleHi
                    + "], ratio [" + ratioLo + ", " + ratioHi + "]");
        }
    }

    /** Scale range with torchvision's default ratio range (3/4, 4/3). */
    public static RandomResizedCrop withScale(double lo, double hi) {
        return new RandomResizedCrop(lo, hi, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** Samples a crop of an {@code height × width} image; the flip flag is left false. */
    public CropBox sample(int height, int width, RandomGenerator rng) {
        double area = (double) height * width;
        double logLo = Math.log(ratioLo);
        double logHi = Math.log(ratioHi);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, scaleLo, scaleHi);
            double aspect = Math.exp(uniform(rng, logLo, logHi));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(0, height - h + 1);
                int left = rng.nextInt(0, width - w + 1);
                return new CropBox(top, left, h, w, false);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioLo) {
            w = width;
            h = (int) Math.rint(w / ratioLo);
        } else if (inRatio > ratioHi) {
            h = height;
            w = (int) Math.rint(h * ratioHi);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w, false);
    }

    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
