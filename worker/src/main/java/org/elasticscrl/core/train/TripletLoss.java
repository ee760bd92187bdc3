package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Comparator;
import org.elasticscrl.config.TripletConfig;

/**
 * The truncated ("smoothed rank-k") triplet loss of Wang et al. (REFERENCE §10.2), per direction on
 * one BatchNorm batch of n images: {@code d_ij = −2·cos(p_i, z_j)}, positive {@code d_ii}, negative
 * the mean of ranks {@code from..to} of {@code d_ij} over {@code j ≠ i} sorted ascending (rank 1, the
 * nearest, is dropped by default), and {@code mean_i max(0, γ·d_ii − d_neg(i) + margin)} — PyTorch's
 * {@code MarginRankingLoss(d_neg, γ·d_pos, 1)}.
 *
 * <p>The ranks are chosen in Java from the distances (ties broken by index), as a 0/1 selection
 * matrix the distances are multiplied with: the gradient reaches p through the chosen distances only,
 * as through {@code topk}. A short batch (the last of an epoch, or one that lost unreadable samples)
 * averages the ranks it has, up to {@code n − 1}; with fewer than {@code from} other images the
 * negative term is 0.
 */
public final class TripletLoss {
    private final double margin;
    private final double gamma;
    private final int rankFrom;
    private final int rankTo;

    public TripletLoss(double margin, double gamma, int rankFrom, int rankTo) {
        if (rankFrom < 1 || rankTo < rankFrom) {
            throw new IllegalArgumentException("ranks " + rankFrom + ".." + rankTo);
        }
        this.margin = margin;
        this.gamma = gamma;
        this.rankFrom = rankFrom;
        this.rankTo = rankTo;
    }

    public static TripletLoss of(TripletConfig c) {
        return new TripletLoss(c.margin(), c.gamma(), c.rankFrom(), c.rankTo());
    }

    /**
     * Both directions: rows {@code [0, n)} of {@code p} (predictions) and {@code z} (target
     * projections) are view 1, rows {@code [n, 2n)} view 2; {@code L(p1, z2) + L(p2, z1)}.
     */
    public NDArray symmetric(NDArray p, NDArray z) {
        long n = p.getShape().get(0) / 2;
        if (n * 2 != p.getShape().get(0) || !p.getShape().equals(z.getShape())) {
            throw new IllegalArgumentException("expected matching [2n, d] predictions and targets, got "
                    + p.getShape() + " and " + z.getShape());
        }
        return direction(p.get("0:" + n), z.get(n + ":")).add(direction(p.get(n + ":"), z.get("0:" + n)));
    }

    /** One direction: predictions {@code p [n, d]} against targets {@code z [n, d]} of the other view. */
    public NDArray direction(NDArray p, NDArray z) {
        int n = Math.toIntExact(p.getShape().get(0));
        NDArray pn = p.normalize(2, 1, Losses.NORMALIZE_EPS);
        NDArray zn = z.normalize(2, 1, Losses.NORMALIZE_EPS);
        // scalars as libtorch tensors: see Losses.scalar (the graph keeps them for backward)
        NDArray minusTwo = Losses.scalar(p, -2);
        NDArray distances = pn.matMul(zn.transpose()).mul(minusTwo);
        NDArray positive = pn.mul(zn).sum(new int[] {1}).mul(minusTwo);
        float[] selection = negativeWeights(distances.toFloatArray(), n, rankFrom, rankTo);
        NDArray negative = distances.mul(p.getManager().create(selection, new Shape(n, n))).sum(new int[] {1});
        return positive.mul(Losses.scalar(p, gamma)).sub(negative).add(Losses.scalar(p, margin))
                .maximum(Losses.scalar(p, 0)).mean();
    }

    /**
     * Row i: {@code 1/k} on the k chosen negatives (ranks {@code from..min(to, n−1)} of row i's
     * off-diagonal distances, ascending, ties by column), 0 elsewhere.
     */
    static float[] negativeWeights(float[] distances, int n, int from, int to) {
        float[] out = new float[n * n];
        int last = Math.min(to, n - 1);
        if (last < from) {
            return out;
        }
        float share = 1f / (last - from + 1);
        for (int i = 0; i < n; i++) {
            int row = i;
            Integer[] others = new Integer[n - 1];
            for (int j = 0, k = 0; j < n; j++) {
                if (j != i) {
                    others[k++] = j;
                }
            }
            Arrays.sort(others, Comparator.comparingDouble((Integer j) -> distances[row * n + j])
                    .thenComparingInt(j -> j));
            for (int r = from; r <= last; r++) {
                out[i * n + others[r - 1]] = share;
            }
        }
        return out;
    }
}
