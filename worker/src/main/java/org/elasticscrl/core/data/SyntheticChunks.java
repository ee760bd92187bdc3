package org.elasticscrl.core.data;

import java.util.SplittableRandom;
import org.elasticscrl.plan.Rng;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RandomResizedCrop;
import org.elasticscrl.core.train.Chunk;

/**
 * Procedural two-view chunks for tests and benchmarks: each sample is a smooth colour pattern
 * over a virtual {@code height × width} image, cut by RandomResizedCrop (with a random flip) and
 * rendered at {@code size} pixels by evaluating the pattern at each view pixel's source point, so
 * the two views really show the same content where their crops overlap. {@link #withPlainFirstView}
 * makes view 1 the whole virtual image, unflipped (objective {@code byol_lc}'s target view).
 */
public final class SyntheticChunks {
    private final long seed;
    private final int height;
    private final int width;
    private final int size;
    private final int classes;
    private final RandomResizedCrop crop;
    private final boolean plainFirstView;

    public SyntheticChunks(long seed, int height, int width, int size, int classes, double scaleLo) {
        this(seed, height, width, size, classes, RandomResizedCrop.withScale(scaleLo, 1.0), false);
    }

    private SyntheticChunks(long seed, int height, int width, int size, int classes, RandomResizedCrop crop,
            boolean plainFirstView) {
        this.seed = seed;
        this.height = height;
        this.width = width;
        this.size = size;
        this.classes = classes;
        this.crop = crop;
        this.plainFirstView = plainFirstView;
    }

    /** The same data with view 1 the whole image, unflipped. */
    public SyntheticChunks withPlainFirstView() {
        return new SyntheticChunks(seed, height, width, size, classes, crop, true);
    }

    /** The chunk of samples {@code first .. first+n-1} of {@code epoch}. */
    public Chunk chunk(int epoch, long first, int n) {
        long[] ids = new long[n];
        int[] labels = new int[n];
        CropBox[] c1 = new CropBox[n];
        CropBox[] c2 = new CropBox[n];
        float[] pixels = new float[2 * n * 3 * size * size];
        for (int i = 0; i < n; i++) {
            long id = first + i;
            ids[i] = id;
            labels[i] = (int) Math.floorMod(id, classes);
            SplittableRandom rng = Rng.of(seed, Rng.key("synthetic"), epoch, id);
            c1[i] = plainFirstView
                    ? new CropBox(0, 0, height, width, false)
                    : crop.sample(height, width, rng).withFlip(rng.nextBoolean());
            c2[i] = crop.sample(height, width, rng).withFlip(rng.nextBoolean());
            double[] pattern = pattern(id);
            render(pattern, c1[i], pixels, i);
            render(pattern, c2[i], pixels, n + i);
        }
        return new Chunk(epoch, ids, labels, c1, c2, pixels, size);
    }

    private double[] pattern(long id) {
        SplittableRandom r = Rng.of(seed, Rng.key("pattern"), id);
        double[] p = new double[12];
        for (int k = 0; k < p.length; k++) {
            p[k] = r.nextDouble(-1, 1);
        }
        return p;
    }

    private void render(double[] p, CropBox c, float[] dst, int image) {
        int plane = size * size;
        for (int v = 0; v < size; v++) {
            double y = c.top() + (v + 0.5) * c.height() / size;
            for (int u = 0; u < size; u++) {
                double ux = c.flipped() ? size - 1 - u : u;
                double x = c.left() + (ux + 0.5) * c.width() / size;
                for (int ch = 0; ch < 3; ch++) {
                    double fx = 6 * p[4 * ch] / width;
                    double fy = 6 * p[4 * ch + 1] / height;
                    double value = Math.sin(x * fx * Math.PI + y * fy * Math.PI + 3 * p[4 * ch + 2])
                            + p[4 * ch + 3];
                    dst[(image * 3 + ch) * plane + v * size + u] = (float) value;
                }
            }
        }
    }
}
