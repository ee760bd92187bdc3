package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.elasticscrl.core.roi.CellCorrespondence;
import org.elasticscrl.core.roi.CropBox;

/**
 * The LC-loss of Islam et al. (WACV 2023, eqs. 2–4). For each image, each cell p_c of the target
 * view's {@code h x w} map is compared with every cell of the online view's map by cosine similarity
 * (eq. 2); {@code NLL(p_c, ·) = −log softmax(C'(p_c, ·)/τ)} over the online cells (eq. 3); the NLL is
 * bilinearly resampled at the sub-cell correspondence p_sc of p_c, and averaged over the pairs whose
 * p_sc falls inside the online view (eq. 4). Images are then averaged (images without a pair are
 * left out).
 *
 * <p>The resampling is a weighted sum over the online cells, with weights built in Java from the
 * crops (four bilinear weights per pair, coordinates clamped to the outermost cell centres, i.e.
 * {@code grid_sample(padding_mode="border", align_corners=False)}); the averaging is folded into the
 * weights, so the loss is one elementwise product and a sum, differentiable through autograd.
 */
public final class LocalContrastLoss {
    private final double temperature;
    private final int viewSize;
    private final int side;

    /**
     * @param viewSize side of the views in pixels
     * @param side side of the feature maps (views / stride)
     */
    public LocalContrastLoss(double temperature, int viewSize, int side) {
        if (!(temperature > 0) || side < 1 || viewSize < side) {
            throw new IllegalArgumentException("LC-loss needs τ > 0 and a map of at least 1 cell, got τ "
                    + temperature + ", " + side + " cells on " + viewSize + " px");
        }
        this.temperature = temperature;
        this.viewSize = viewSize;
        this.side = side;
    }

    /**
     * Resampling weights {@code [n, h·w, h·w]}: row {@code (i, c)} spreads target cell c's
     * correspondence over image i's online cells, scaled by 1/(pairs of image i · images with pairs).
     *
     * @param pairs correspondences inside the online view, over all images
     * @param imagesWithoutPairs images none of whose target cells lands inside the online view
     */
    public record Resampling(float[] weights, int images, int cells, long pairs, int imagesWithoutPairs) {
        public Shape shape() {
            return new Shape(images, cells, cells);
        }
    }

    /** The resampling weights from each image's target-view crop to its online-view crop. */
    public Resampling resampling(CropBox[] targetViews, CropBox[] onlineViews) {
        int n = targetViews.length;
        if (onlineViews.length != n) {
            throw new IllegalArgumentException(n + " target crops but " + onlineViews.length + " online crops");
        }
        int cells = side * side;
        // rows[i][c]: bilinear weights of target cell c's correspondence, null when outside
        double[][][] rows = new double[n][cells][];
        int[] counts = new int[n];
        int withPairs = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cells; c++) {
                CellCorrespondence.Point p =
                        CellCorrespondence.ofCell(targetViews[i], onlineViews[i], viewSize, side, c % side, c / side);
                if (p.inside()) {
                    rows[i][c] = bilinear(p.x(), p.y());
                    counts[i]++;
                }
            }
            withPairs += counts[i] > 0 ? 1 : 0;
            pairs += counts[i];
        }
        float[] weights = new float[n * cells * cells];
        for (int i = 0; i < n; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double scale = 1.0 / ((double) counts[i] * withPairs);
            for (int c = 0; c < cells; c++) {
                double[] row = rows[i][c];
                if (row == null) {
                    continue;
                }
                int base = (i * cells + c) * cells;
                for (int k = 0; k < cells; k++) {
                    weights[base + k] = (float) (row[k] * scale);
                }
            }
        }
        return new Resampling(weights, n, cells, pairs, n - withPairs);
    }

    /** Bilinear weights over the map at feature coordinates (x, y), clamped to the cell centres. */
    private double[] bilinear(double x, double y) {
        double cx = Math.min(Math.max(x, 0), side - 1);
        double cy = Math.min(Math.max(y, 0), side - 1);
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(x0 + 1, side - 1);
        int y1 = Math.min(y0 + 1, side - 1);
        double lx = cx - x0;
        double ly = cy - y0;
        double[] w = new double[side * side];
        w[y0 * side + x0] += (1 - ly) * (1 - lx);
        w[y0 * side + x1] += (1 - ly) * lx;
        w[y1 * side + x0] += ly * (1 - lx);
        w[y1 * side + x1] += ly * lx;
        return w;
    }

    /**
     * @param targetLocal the target branch on the target views, {@code [n, D, h, w]} (no gradient)
     * @param onlineLocal the online branch on the other views, {@code [n, D, h, w]}
     * @param weights {@link Resampling#weights} as {@code [n, h·w, h·w]}
     */
    public NDArray loss(NDArray targetLocal, NDArray onlineLocal, NDArray weights) {
        Shape s = onlineLocal.getShape();
        if (!s.equals(targetLocal.getShape()) || s.dimension() != 4 || s.get(2) != side || s.get(3) != side) {
            throw new IllegalArgumentException("expected two [n, D, " + side + ", " + side + "] maps, got "
                    + targetLocal.getShape() + " and " + s);
        }
        long n = s.get(0);
        long cells = (long) side * side;
        NDArray target = targetLocal.reshape(n, s.get(1), cells).normalize(2, 1, Losses.NORMALIZE_EPS);
        NDArray online = onlineLocal.reshape(n, s.get(1), cells).normalize(2, 1, Losses.NORMALIZE_EPS);
        NDArray similarity = target.transpose(0, 2, 1).matMul(online);
        // the divisor as a libtorch tensor: see Losses.scalar (DivBackward keeps it)
        NDArray nll = similarity.div(Losses.scalar(similarity, temperature)).logSoftmax(2).neg();
        return nll.mul(weights).sum();
    }
}
