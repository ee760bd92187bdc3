package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;

/** The loss functions of the reference trainer. */
public final class Losses {
    /** {@code F.normalize}'s default eps. */
    static final double NORMALIZE_EPS = 1e-12;

    private Losses() {}

    /** Per row: {@code 2 − 2·cos(x, y)} with {@code F.normalize} (eps 1e-12), shape {@code [n]}. */
    public static NDArray regression(NDArray x, NDArray y) {
        NDArray xn = x.normalize(2, 1, NORMALIZE_EPS);
        NDArray yn = y.normalize(2, 1, NORMALIZE_EPS);
        return xn.mul(yn).sum(new int[] {1}).mul(-2).add(2);
    }

    /**
     * BYOL's symmetric loss: rows {@code [0, n)} are view 1 and {@code [n, 2n)} view 2 of the same
     * items; mean over items of {@code reg(q1, z2) + reg(q2, z1)} (range [0, 8]).
     */
    public static NDArray symmetricRegression(NDArray q, NDArray z) {
        long n = q.getShape().get(0) / 2;
        if (n * 2 != q.getShape().get(0) || !q.getShape().equals(z.getShape())) {
            throw new IllegalArgumentException("expected matching [2n, d] predictions and targets, got "
                    + q.getShape() + " and " + z.getShape());
        }
        NDArray q1 = q.get("0:" + n);
        NDArray q2 = q.get(n + ":");
        NDArray z1 = z.get("0:" + n);
        NDArray z2 = z.get(n + ":");
        return regression(q1, z2).add(regression(q2, z1)).mean();
    }

    /** Mean cross-entropy of {@code logits [n, classes]} against integer {@code labels [n]}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        return logp.gather(labels.reshape(-1, 1), 1).mean().neg();
    }
}
