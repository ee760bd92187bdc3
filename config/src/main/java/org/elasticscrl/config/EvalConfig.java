package org.elasticscrl.config;

/**
 * {@code eval}: offline linear evaluation on the frozen backbone (REFERENCE §7.2), and the RoI
 * linear evaluation on ground-truth boxes (the paper's Table 10 protocol).
 * {@code batch_size_train} is global, like {@code train.batch_size_train}.
 *
 * @param roiLinear also train a linear classifier on RoI-aligned features of ground-truth boxes
 *     (datasets with boxes: fashion-scenes)
 * @param trainSize images (scenes for the RoI protocol) to train the probes on; 0 means all
 * @param testSize images (scenes) to measure on; 0 means all
 */
public record EvalConfig(
        boolean enabled,
        boolean finetune,
        boolean roiLinear,
        int trainSize,
        int testSize,
        int maxEpochs,
        int warmupEpochs,
        int validInterval,
        int batchSizeTrain,
        int batchSizeEval,
        int numWorkers,
        EvalOptimConfig optim) {
    public EvalConfig {
        Check.atLeast("eval.train_size", trainSize, 0);
        Check.atLeast("eval.test_size", testSize, 0);
        Check.atLeast("eval.max_epochs", maxEpochs, 1);
        Check.atLeast("eval.warmup_epochs", warmupEpochs, 0);
        if (warmupEpochs >= maxEpochs) {
            throw new ConfigException(
                    "eval.warmup_epochs: '" + warmupEpochs + "' must be smaller than"
                            + " eval.max_epochs (" + maxEpochs + ")");
        }
        Check.atLeast("eval.valid_interval", validInterval, 1);
        Check.atLeast("eval.batch_size_train", batchSizeTrain, 1);
        Check.atLeast("eval.batch_size_eval", batchSizeEval, 1);
        Check.atLeast("eval.num_workers", numWorkers, 0);
        Check.require(optim != null, "eval.optim: missing section");
    }

    public double scaledLr() {
        return optim.lr() * batchSizeTrain / 256.0;
    }
}
