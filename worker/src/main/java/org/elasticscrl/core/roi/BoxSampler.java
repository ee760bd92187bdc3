package org.elasticscrl.core.roi;

import java.util.random.RandomGenerator;
import org.elasticscrl.config.ScrlBoxConfig;

/**
 * SCRL's box-pair generator (the reference's {@code SCRLBoxGenerator}, REFERENCE §2), one image at
 * a time. Boxes are drawn in the crops' intersection rescaled by the smaller zoom per axis (so a
 * {@code min_size} box is at least that big in both views), mapped into both views, flipped with
 * a simultaneous swap, and clipped. Integer draws reproduce numpy's {@code randint(lo, hi)} over
 * {@code [lo, hi)} with a float {@code hi} truncated toward zero.
 */
public final class BoxSampler {
    private final int inputSize;
    private final int boxes;
    private final double iouThreshold;
    private final int minSize;
    private final int maxTries;
    private final boolean grid;
    private final boolean jitter;
    private final double jitterRatio;

    public BoxSampler(ScrlBoxConfig cfg, int inputSize) {
        this(inputSize, cfg.numPatchesPerImage(), cfg.iouThreshold(), cfg.minSize(), cfg.maxTries(),
                cfg.gridBasedBoxGen(), cfg.boxJittering(), cfg.jitteringRatio());
    }

    public BoxSampler(int inputSize, int boxes, double iouThreshold, int minSize, int maxTries,
            boolean grid, boolean jitter, double jitterRatio) {
        this.inputSize = inputSize;
        this.boxes = boxes;
        this.iouThreshold = iouThreshold;
        this.minSize = minSize;
        this.maxTries = maxTries;
        this.grid = grid;
        this.jitter = jitter;
        this.jitterRatio = jitterRatio;
    }

    public int boxesPerImage() {
        return boxes;
    }

    /** K box pairs for the views cut by {@code c1} and {@code c2}, or {@link BoxPairs#SKIPPED}. */
    public BoxPairs sample(CropBox c1, CropBox c2, RandomGenerator rng) {
        int intL = Math.max(c1.left(), c2.left());
        int intR = Math.min(c1.left() + c1.width(), c2.left() + c2.width());
        int intT = Math.max(c1.top(), c2.top());
        int intB = Math.min(c1.top() + c1.height(), c2.top() + c2.height());
        if (intL >= intR || intT >= intB) {
            return BoxPairs.SKIPPED;
        }
        double sw1 = (double) inputSize / c1.width();
        double sh1 = (double) inputSize / c1.height();
        double sw2 = (double) inputSize / c2.width();
        double sh2 = (double) inputSize / c2.height();
        double swMin = Math.min(sw1, sw2);
        double shMin = Math.min(sh1, sh2);
        double swMinInv = 1 / swMin;
        double shMinInv = 1 / shMin;
        long w = (long) Math.rint((intR - intL) * swMin);
        long h = (long) Math.rint((intB - intT) * shMin);
        if (minSize >= w || minSize >= h) {
            return BoxPairs.SKIPPED;
        }
        int divWRange = (int) (w / minSize) + 1;
        int divHRange = (int) (h / minSize) + 1;

        double[][] view1 = new double[boxes][];
        double[][] view2 = new double[boxes][];
        double[][] raw1 = new double[boxes][];
        double[][] raw2 = new double[boxes][];
        int fallbacks = 0;
        for (int i = 0; i < boxes; i++) {
            double[] b1 = null;
            double[] b2 = null;
            boolean accepted = false;
            for (int attempt = 0; attempt < maxTries; attempt++) {
                long bx;
                long by;
                long bw;
                long bh;
                if (grid) {
                    int divW = randint(rng, 1, divWRange);
                    int divH = randint(rng, 1, divHRange);
                    double gridW = (double) w / divW;
                    double gridH = (double) h / divH;
                    int gridX = randint(rng, 0, divW);
                    int gridY = randint(rng, 0, divH);
                    bw = randint(rng, minSize, gridW + 1);
                    bh = randint(rng, minSize, gridH + 1);
                    bx = randint(rng, 0, gridW - bw + 1) + (long) (gridX * gridW);
                    by = randint(rng, 0, gridH - bh + 1) + (long) (gridY * gridH);
                } else {
                    bw = randint(rng, minSize, w);
                    bh = randint(rng, minSize, h);
                    bx = randint(rng, 0, w - bw);
                    by = randint(rng, 0, h - bh);
                }
                b1 = toView(bx, by, bw, bh, swMinInv, shMinInv, sw1, sh1, intL - c1.left(), intT - c1.top(), c1.flipped());
                b2 = toView(bx, by, bw, bh, swMinInv, shMinInv, sw2, sh2, intL - c2.left(), intT - c2.top(), c2.flipped());
                if (jitter) {
                    b2 = jitter(b2, rng);
                }
                if (i == 0 || iouThreshold == 1.0) {
                    accepted = true;
                    break;
                }
                double maxIou = 0;
                for (int j = 0; j < i; j++) {
                    maxIou = Math.max(maxIou, iou(b1, view1[j]));
                    if (maxIou > iouThreshold) {
                        break;
                    }
                }
                if (maxIou < iouThreshold) {
                    accepted = true;
                    break;
                }
            }
            if (!accepted) {
                fallbacks++; // the reference keeps the last candidate anyway
            }
            raw1[i] = b1;
            raw2[i] = b2;
            view1[i] = clip(b1);
            view2[i] = clip(b2);
        }
        return new BoxPairs(view1, view2, raw1, raw2, fallbacks);
    }

    /** Coarse-space box → view pixels ({@code [x1, y1, x2, y2]}), flip as a simultaneous swap. */
    private double[] toView(long bx, long by, long bw, long bh, double swMinInv, double shMinInv,
            double sw, double sh, int offX, int offY, boolean flipped) {
        double l = bx * swMinInv * sw + offX * sw;
        double r = l + bw * swMinInv * sw;
        double t = by * shMinInv * sh + offY * sh;
        double b = t + bh * shMinInv * sh;
        if (flipped) {
            double nl = inputSize - r;
            double nr = inputSize - l;
            l = nl;
            r = nr;
        }
        return new double[] {l, t, r, b};
    }

    /** The reference's (disabled by default) view-2 jitter of l, t, w, h by U(1 ± ratio). */
    private double[] jitter(double[] box, RandomGenerator rng) {
        double bw = box[2] - box[0];
        double bh = box[3] - box[1];
        double l = box[0] + bw * (uniform(rng) - 1);
        double t = box[1] + bh * (uniform(rng) - 1);
        double r = l + bw * uniform(rng);
        double b = t + bh * uniform(rng);
        return new double[] {l, t, r, b};
    }

    private double uniform(RandomGenerator rng) {
        return 1 - jitterRatio + 2 * jitterRatio * rng.nextDouble();
    }

    private double[] clip(double[] b) {
        return new double[] {
            Math.max(0, b[0]), Math.max(0, b[1]), Math.min(inputSize, b[2]), Math.min(inputSize, b[3])
        };
    }

    /** IoU of two {@code [x1, y1, x2, y2]} boxes; 0 when they do not overlap. */
    static double iou(double[] a, double[] b) {
        double inter = Math.max(Math.min(a[2], b[2]) - Math.max(a[0], b[0]), 0)
                * Math.max(Math.min(a[3], b[3]) - Math.max(a[1], b[1]), 0);
        if (inter == 0) {
            return 0;
        }
        double areaA = Math.abs((a[2] - a[0]) * (a[3] - a[1]));
        double areaB = Math.abs((b[2] - b[0]) * (b[3] - b[1]));
        return inter / (areaA + areaB - inter);
    }

    /** numpy {@code randint(lo, hi)}: uniform over {@code [lo, hi)}, float {@code hi} truncated. */
    private static int randint(RandomGenerator rng, long lo, double hi) {
        return rng.nextInt((int) lo, (int) hi);
    }
}
