package org.elasticscrl.config;

/**
 * {@code train}: pretraining.
 *
 * <p>Deviation from the reference, where {@code batch_size_train} is per GPU: here it is the
 * <em>global</em> batch of one optimizer step (8192 in the paper = 256 × 32 GPUs), whatever the
 * number of workers, and {@code chunk_size} is the BatchNorm batch (the reference's per-GPU 256).
 * A step is {@code batch_size_train / chunk_size} chunks, computed wherever the cluster likes.
 *
 * @param m base EMA momentum τ of the target network (cosine-increased to 1)
 * @param validInterval online evaluation every this many epochs (the reference ignores the key
 *     and evaluates every epoch)
 * @param tbIntervalSteps metrics are logged every this many steps
 * @param deterministic the same inputs give the same bits on machines of one kind: computing JVMs run
 *     deterministic native kernels ({@code org.elasticscrl.platform.KernelPolicy}); the replicas agree
 *     after every commit (I1) either way
 */
public record TrainConfig(
        boolean enabled,
        boolean onlineEval,
        int batchSizeTrain,
        int chunkSize,
        int batchSizeEval,
        int maxEpochs,
        int warmupEpochs,
        int validInterval,
        int snapshotInterval,
        int tbInterval,
        int numWorkers,
        double m,
        boolean deterministic,
        TrainOptimConfig optim) {
    public TrainConfig {
        Check.atLeast("train.batch_size_train", batchSizeTrain, 1);
        Check.atLeast("train.chunk_size", chunkSize, 1);
        if (batchSizeTrain % chunkSize != 0) {
            throw new ConfigException(
                    "train.batch_size_train: '" + batchSizeTrain + "' must be a multiple of"
                            + " train.chunk_size (" + chunkSize + ")");
        }
        Check.atLeast("train.batch_size_eval", batchSizeEval, 1);
        Check.atLeast("train.max_epochs", maxEpochs, 1);
        Check.atLeast("train.warmup_epochs", warmupEpochs, 0);
        if (warmupEpochs >= maxEpochs) {
            throw new ConfigException(
                    "train.warmup_epochs: '" + warmupEpochs + "' must be smaller than"
                            + " train.max_epochs (" + maxEpochs + ")");
        }
        Check.atLeast("train.valid_interval", validInterval, 1);
        Check.atLeast("train.snapshot_interval", snapshotInterval, 1);
        Check.atLeast("train.tb_interval", tbInterval, 1);
        Check.atLeast("train.num_workers", numWorkers, 0);
        Check.inRange("train.m", m, 0.0, 1.0, true);
        Check.require(optim != null, "train.optim: missing section");
    }

    /** Chunks (BatchNorm batches) per optimizer step. */
    public int chunksPerStep() {
        return batchSizeTrain / chunkSize;
    }

    /** The applied peak learning rate: {@code optim.lr · batch_size_train / 256}. */
    public double scaledLr() {
        return optim.lr() * batchSizeTrain / 256.0;
    }
}
