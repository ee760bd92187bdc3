package org.elasticscrl.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.augment.EvalTransform;
import org.elasticscrl.core.data.Dataset;
import org.elasticscrl.core.roi.RoiAlign;
import org.elasticscrl.core.train.Networks;
import org.elasticscrl.plan.Rng;

/**
 * The evaluations of a frozen online backbone: the online evaluator's accuracy (monitoring during
 * pretraining), the global linear probe on pooled features, and the RoI linear probe on
 * ground-truth boxes (the paper's Table 10 protocol).
 */
public final class Evaluator {
    private final ScrlConfig cfg;
    private final Networks nets;
    private final NDManager manager;
    private final FeatureExtractor features;
    private final EvalTransform transform;

    public Evaluator(ScrlConfig cfg, Networks nets, NDManager manager) {
        this.cfg = cfg;
        this.nets = nets;
        this.manager = manager;
        this.features = new FeatureExtractor(nets, manager, Math.min(cfg.train().batchSizeEval(), 256));
        this.transform = transformFor(cfg);
    }

    /**
     * Fashion data is small and its boxes must stay in view: resize whole images to the input
     * size. Photos get the reference's test transform (resize the short side, centre crop).
     */
    public static EvalTransform transformFor(ScrlConfig cfg) {
        int s = cfg.augment().inputSize();
        return cfg.dataset().name().startsWith("fashion") ? EvalTransform.resizeWhole(s) : EvalTransform.centerCrop(s);
    }

    /** A seeded random subset of {@code n} indices of {@code data} ({@code n <= 0}: all, in order). */
    public static int[] subset(Dataset data, int n, long seed, String purpose) {
        if (n <= 0 || n >= data.size()) {
            int[] all = new int[data.size()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return Arrays.copyOf(Rng.permutation(data.size(), Rng.of(seed, Rng.key("subset"), Rng.key(purpose))), n);
    }

    /** Accuracy of the online evaluator head on {@code data} (labels required). */
    public double onlineAccuracy(Dataset data) {
        Features f = features.pooled(data, subset(data, 0, cfg.seed(), "online"), transform);
        try (NDManager s = manager.newSubManager()) {
            NDArray x = s.create(f.values(), new Shape(f.rows(), f.dim()));
            NDArray pred = nets.inferLogits(x).argMax(1);
            NDArray y = s.create(f.labels()).toType(DataType.INT64, false);
            return pred.eq(y).sum().getLong() / (double) f.rows();
        }
    }

    /** Linear probe on pooled features: trained on {@code train}, measured on {@code test}. */
    public LinearProbe.Result globalLinear(Dataset train, Dataset test, int classes) {
        Features a = features.pooled(train, subset(train, cfg.eval().trainSize(), cfg.seed(), "probe-train"), transform);
        Features b = features.pooled(test, subset(test, cfg.eval().testSize(), cfg.seed(), "probe-test"), transform);
        return LinearProbe.train(a, b, classes, cfg.eval(), cfg.seed(), manager);
    }

    /** Linear probe on RoI-aligned features of the ground-truth boxes of {@code train} / {@code test}. */
    public LinearProbe.Result roiLinear(Dataset train, Dataset test, int classes) {
        RoiAlign roi = RoiAlign.of(cfg);
        EvalTransform whole = EvalTransform.resizeWhole(cfg.augment().inputSize());
        Features a = features.rois(train, subset(train, cfg.eval().trainSize(), cfg.seed(), "roi-train"), whole, roi);
        Features b = features.rois(test, subset(test, cfg.eval().testSize(), cfg.seed(), "roi-test"), whole, roi);
        return LinearProbe.train(a, b, classes, cfg.eval(), cfg.seed(), manager);
    }
}
