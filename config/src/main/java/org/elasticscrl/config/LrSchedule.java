package org.elasticscrl.config;

/**
 * The reference's per-step learning rate (REFERENCE §5.2): linear warm-up for {@code warmupEpochs},
 * then cosine to 0 at {@code maxEpochs}, in closed form of the fractional epoch. The scheduler
 * steps before each update, so global step {@code k} (0-based) uses the fractional epoch
 * {@code (k + 1) / stepsPerEpoch}. A pure function of the global step — never of the world size.
 */
public record LrSchedule(double peak, int warmupEpochs, int maxEpochs, long stepsPerEpoch) {
    public LrSchedule {
        if (stepsPerEpoch < 1 || maxEpochs < 1 || warmupEpochs < 0 || warmupEpochs >= maxEpochs) {
            throw new IllegalArgumentException("bad schedule: warmup " + warmupEpochs + ", max "
                    + maxEpochs + ", steps/epoch " + stepsPerEpoch);
        }
    }

    /** Pretraining schedule: peak {@code train.optim.lr · batch_size_train / 256}. */
    public static LrSchedule pretraining(TrainConfig train, long stepsPerEpoch) {
        return new LrSchedule(train.scaledLr(), train.warmupEpochs(), train.maxEpochs(), stepsPerEpoch);
    }

    /** Offline linear-evaluation schedule. */
    public static LrSchedule linearEval(EvalConfig eval, long stepsPerEpoch) {
        return new LrSchedule(eval.scaledLr(), eval.warmupEpochs(), eval.maxEpochs(), stepsPerEpoch);
    }

    public double valueAt(long globalStep) {
        double epoch = (globalStep + 1) / (double) stepsPerEpoch;
        if (warmupEpochs > 0 && epoch <= warmupEpochs) {
            return peak * Math.min(epoch / warmupEpochs, 1.0);
        }
        double progress = (epoch - warmupEpochs) / (maxEpochs - warmupEpochs);
        return peak * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    public long totalSteps() {
        return stepsPerEpoch * maxEpochs;
    }
}
