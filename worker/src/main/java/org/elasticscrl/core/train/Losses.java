package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The loss functions of the reference trainer. */
public final class Losses {
    /** {@code F.normalize}'s default eps. */
    static final double NORMALIZE_EPS = 1e-12;

    private Losses() {}

    /**
     * A float32 scalar owned by libtorch, for arithmetic on arrays that autograd records. Never pass
     * a Java number there ({@code x.mul(-2)}, {@code x.maximum(0f)}, {@code x.div(t)}): DJL wraps
     * it in a tensor over a Java direct buffer ({@code torch::from_blob}, no copy) and closes that
     * tensor as soon as the op returns, but the graph keeps it for backward (Mul, Div, Maximum save
     * their operand). Once the garbage collector frees the buffer, backward reads freed memory, so a
     * GC between forward and backward silently changed one gradient: the rare divergence of
     * same-seed runs. {@code full} allocates in libtorch, and the graph's reference keeps it alive.
     */
    static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value);
    }

    /** Per row: {@code 2 − 2·cos(x, y)} with {@code F.normalize} (eps 1e-12), shape {@code [n]}. */
    public static NDArray regression(NDArray x, NDArray y) {
        NDArray xn = x.normalize(2, 1, NORMALIZE_EPS);
        NDArray yn = y.normalize(2, 1, NORMALIZE_EPS);
        return xn.mul(yn).sum(new int[] {1}).mul(scalar(x, -2)).add(scalar(x, 2));
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
