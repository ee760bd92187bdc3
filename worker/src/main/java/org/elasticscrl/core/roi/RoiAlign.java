package org.elasticscrl.core.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torchvision.ops.roi_align} with a 1x1 output (REFERENCE §3): boxes scaled by
 * {@code spatialScale}, {@code ceil(size)} sample points per axis when {@code samplingRatio} is
 * −1, torchvision's bilinear interpolation (zero outside {@code [-1, H]}, clamped at the border),
 * and {@code aligned=false} (no half-pixel offset, sizes at least one cell).
 *
 * <p>Because the bilinear weights depend only on the box, a 1x1 RoIAlign is a weighted sum over
 * the feature cells: the weights are built in Java (a few per sample point) and the pooling is one
 * batched matmul {@code [B, K, H·W] × [B, H·W, C]}, exact and differentiable through autograd.
 */
public final class RoiAlign {
    private final int height;
    private final int width;
    private final double spatialScale;
    private final int samplingRatio;
    private final boolean aligned;

    public RoiAlign(int height, int width, double spatialScale, int samplingRatio, boolean aligned) {
        this.height = height;
        this.width = width;
        this.spatialScale = spatialScale;
        this.samplingRatio = samplingRatio;
        this.aligned = aligned;
    }

    /** The RoIAlign a configuration asks for, on its pre-GAP map ({@code network.scrl.*}). */
    public static RoiAlign of(org.elasticscrl.config.ScrlConfig cfg) {
        int side = cfg.featureMapSize();
        var box = cfg.network().scrl();
        return new RoiAlign(side, side, box.spatialScale(), box.samplingRatio(), box.detectronAligned());
    }

    public int cells() {
        return height * width;
    }

    /**
     * Adds the pooling weights of box {@code [x1, y1, x2, y2]} (input pixels) into
     * {@code dst[offset .. offset + H·W)}.
     */
    public void weights(double x1, double y1, double x2, double y2, float[] dst, int offset) {
        double shift = aligned ? 0.5 : 0.0;
        double startX = x1 * spatialScale - shift;
        double startY = y1 * spatialScale - shift;
        double roiW = x2 * spatialScale - shift - startX;
        double roiH = y2 * spatialScale - shift - startY;
        if (!aligned) {
            roiW = Math.max(roiW, 1.0);
            roiH = Math.max(roiH, 1.0);
        }
        int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH);
        int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW);
        double count = Math.max(gridH * gridW, 1);
        double[] acc = new double[height * width];
        for (int iy = 0; iy < gridH; iy++) {
            double y = startY + (iy + 0.5) * roiH / gridH;
            for (int ix = 0; ix < gridW; ix++) {
                double x = startX + (ix + 0.5) * roiW / gridW;
                bilinear(y, x, acc);
            }
        }
        for (int k = 0; k < acc.length; k++) {
            dst[offset + k] += (float) (acc[k] / count);
        }
    }

    /** torchvision's {@code bilinear_interpolate}, accumulating weights instead of values. */
    private void bilinear(double y, double x, double[] acc) {
        if (y < -1.0 || y > height || x < -1.0 || x > width) {
            return;
        }
        y = Math.max(y, 0);
        x = Math.max(x, 0);
        int yLow = (int) y;
        int xLow = (int) x;
        int yHigh;
        int xHigh;
        if (yLow >= height - 1) {
            yHigh = yLow = height - 1;
            y = yLow;
        } else {
            yHigh = yLow + 1;
        }
        if (xLow >= width - 1) {
            xHigh = xLow = width - 1;
            x = xLow;
        } else {
            xHigh = xLow + 1;
        }
        double ly = y - yLow;
        double lx = x - xLow;
        double hy = 1 - ly;
        double hx = 1 - lx;
        acc[yLow * width + xLow] += hy * hx;
        acc[yLow * width + xHigh] += hy * lx;
        acc[yHigh * width + xLow] += ly * hx;
        acc[yHigh * width + xHigh] += ly * lx;
    }

    /**
     * Pools RoIs given in torchvision's format: {@code rois[r] = [batchIndex, x1, y1, x2, y2]} over
     * a feature map {@code [B, C, H, W]}; returns {@code [R, C]} in the order of {@code rois}.
     */
    public NDArray pool(NDArray map, double[][] rois) {
        Shape s = map.getShape();
        int batch = (int) s.get(0);
        checkMap(s);
        int[] perImage = new int[batch];
        int[] slot = new int[rois.length];
        for (int r = 0; r < rois.length; r++) {
            int b = (int) rois[r][0];
            if (b < 0 || b >= batch) {
                throw new IllegalArgumentException("RoI " + r + " refers to image " + b + " of " + batch);
            }
            slot[r] = perImage[b]++;
        }
        int k = 0;
        for (int n : perImage) {
            k = Math.max(k, n);
        }
        int hw = cells();
        float[] w = new float[batch * Math.max(k, 1) * hw];
        long[] index = new long[rois.length];
        for (int r = 0; r < rois.length; r++) {
            int b = (int) rois[r][0];
            int row = b * k + slot[r];
            weights(rois[r][1], rois[r][2], rois[r][3], rois[r][4], w, row * hw);
            index[r] = row;
        }
        NDManager m = map.getManager();
        NDArray pooled = pool(map, m.create(w, new Shape(batch, Math.max(k, 1), hw)));
        NDArray flat = pooled.reshape(-1, s.get(1));
        return flat.get(m.create(index));
    }

    /** {@code weights [B, K, H·W]} × map {@code [B, C, H, W]} → {@code [B, K, C]}. */
    public NDArray pool(NDArray map, NDArray weights) {
        Shape s = map.getShape();
        checkMap(s);
        NDArray cells = map.reshape(s.get(0), s.get(1), (long) height * width).transpose(0, 2, 1);
        return weights.matMul(cells);
    }

    private void checkMap(Shape s) {
        if (s.dimension() != 4 || s.get(2) != height || s.get(3) != width) {
            throw new IllegalArgumentException(
                    "feature map " + s + " does not match RoIAlign's " + height + "x" + width);
        }
    }
}
