package org.elasticscrl.config;

/**
 * EMA momentum of the target network (REFERENCE §5.1): τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2
 * with the 0-based global step k and K = steps per epoch × max epochs.
 */
public record TauSchedule(double base, long totalSteps) {
    public TauSchedule {
        if (totalSteps < 1 || !(base >= 0 && base <= 1)) {
            throw new IllegalArgumentException("bad tau schedule: base " + base + ", K " + totalSteps);
        }
    }

    public static TauSchedule of(TrainConfig train, long stepsPerEpoch) {
        return new TauSchedule(train.m(), stepsPerEpoch * train.maxEpochs());
    }

    public double valueAt(long globalStep) {
        return 1 - (1 - base) * (Math.cos(Math.PI * globalStep / totalSteps) + 1) / 2;
    }
}
