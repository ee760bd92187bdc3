package org.elasticscrl.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.elasticscrl.config.EvalConfig;
import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.core.train.Lars;
import org.elasticscrl.plan.Rng;

/**
 * A linear classifier on frozen features (REFERENCE §7.2, on precomputed features): features
 * standardised with the training set's mean and std, {@code Linear(d, classes)} with PyTorch's
 * default init, softmax cross-entropy, SGD with (Nesterov) momentum and weight decay, optional
 * LARS trust scaling of each tensor's gradient, per-step warm-up + cosine of
 * {@code eval.optim.lr · batch / 256}. Accuracy on the test features every
 * {@code eval.valid_interval} epochs and at the end: last and best are reported.
 */
public final class LinearProbe {
    private static final double TRUST = 0.001;
    private static final double EPS = 1e-8;

    /** Test accuracy at the last epoch, the best seen, and when. */
    public record Result(double last, double best, int bestEpoch, int trainRows, int testRows) {}

    private LinearProbe() {}

    public static Result train(Features train, Features test, int classes, EvalConfig cfg, long seed,
            NDManager parent) {
        if (train.rows() == 0 || test.rows() == 0) {
            throw new IllegalArgumentException("linear probe needs training and test features, got "
                    + train.rows() + " and " + test.rows());
        }
        int d = train.dim();
        int n = train.rows();
        int bs = Math.min(cfg.batchSizeTrain(), n);
        long stepsPerEpoch = (n + bs - 1) / bs;
        LrSchedule lr = new LrSchedule(cfg.optim().lr() * bs / 256.0, cfg.warmupEpochs(), cfg.maxEpochs(),
                stepsPerEpoch);
        try (NDManager m = parent.newSubManager()) {
            NDArray xTrain = m.create(train.values(), new Shape(n, d));
            NDArray mean = xTrain.mean(new int[] {0});
            NDArray std = xTrain.sub(mean).square().mean(new int[] {0}).sqrt().add(1e-6f);
            xTrain = xTrain.sub(mean).div(std);
            NDArray xTest = m.create(test.values(), new Shape(test.rows(), d)).sub(mean).div(std);
            NDArray yTrain = m.create(train.labels()).toType(DataType.INT64, false);
            NDArray yTestArr = m.create(test.labels()).toType(DataType.INT64, false);

            SplittableRandom init = Rng.of(seed, Rng.key("probe-init"));
            float bound = (float) (1 / Math.sqrt(d));
            NDArray w = m.create(uniform(init, classes * d, bound), new Shape(classes, d));
            NDArray b = m.create(uniform(init, classes, bound), new Shape(classes));
            NDArray bufW = m.zeros(w.getShape());
            NDArray bufB = m.zeros(b.getShape());
            double best = -1;
            int bestEpoch = 0;
            double last = 0;
            long step = 0;
            for (int epoch = 1; epoch <= cfg.maxEpochs(); epoch++) {
                int[] order = Rng.permutation(n, Rng.of(seed, Rng.key("probe-order"), epoch));
                for (int from = 0; from < n; from += bs) {
                    int to = Math.min(n, from + bs);
                    try (NDManager s = m.newSubManager()) {
                        long[] idx = new long[to - from];
                        for (int i = from; i < to; i++) {
                            idx[i - from] = order[i];
                        }
                        // results land in the first operand's manager: keep everything in s
                        NDArray sel = s.create(idx);
                        NDArray x = Lars.scoped(s, xTrain.get(sel));
                        NDArray y = Lars.scoped(s, yTrain.get(sel));
                        NDArray p = x.matMul(Lars.scoped(s, w.transpose())).add(b).softmax(1);
                        NDArray g = p.sub(y.oneHot(classes)).div(to - from);
                        NDArray gw = g.transpose().matMul(x);
                        NDArray gb = g.sum(new int[] {0});
                        double rate = lr.valueAt(step++);
                        update(w, gw, bufW, rate, cfg, s);
                        update(b, gb, bufB, rate, cfg, s);
                    }
                }
                if (epoch % cfg.validInterval() == 0 || epoch == cfg.maxEpochs()) {
                    try (NDManager s = m.newSubManager()) {
                        last = accuracy(xTest, yTestArr, Lars.scoped(s, w.transpose()), b);
                    }
                    if (last > best) {
                        best = last;
                        bestEpoch = epoch;
                    }
                }
            }
            return new Result(last, best, bestEpoch, n, test.rows());
        }
    }

    /**
     * torch SGD (with the reference's LARS trust scaling when enabled) on one tensor; temporaries
     * made from the persistent {@code param}/{@code buf} are moved into {@code scope}.
     */
    private static void update(NDArray param, NDArray grad, NDArray buf, double lr, EvalConfig cfg,
            NDManager scope) {
        double wd = cfg.optim().weightDecay();
        double mu = cfg.optim().momentum();
        if (wd != 0) {
            grad.addi(Lars.scoped(scope, param.mul(wd)));
        }
        if (cfg.optim().lars()) {
            double wn = Lars.scoped(scope, param.norm()).getFloat();
            grad.muli(Lars.trustRatio(wn, grad.norm().getFloat(), 0, TRUST, EPS));
        }
        buf.muli(mu).addi(grad);
        NDArray step = cfg.optim().nesterov() ? grad.add(Lars.scoped(scope, buf.mul(mu))) : buf;
        param.subi(Lars.scoped(scope, step.mul(lr)));
    }

    /** Top-1 accuracy; {@code wt} is the transposed weight, owned by the caller's scope. */
    static double accuracy(NDArray x, NDArray y, NDArray wt, NDArray b) {
        try (NDManager s = wt.getManager().newSubManager()) {
            NDArray logits = Lars.scoped(s, x.matMul(wt));
            NDArray pred = logits.add(b).argMax(1);
            return pred.eq(y).sum().getLong() / (double) y.size();
        }
    }

    private static float[] uniform(SplittableRandom rng, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }
}
