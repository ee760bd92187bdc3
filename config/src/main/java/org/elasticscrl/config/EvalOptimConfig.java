package org.elasticscrl.config;

/**
 * {@code eval.optim}: SGD for the offline linear evaluation.
 *
 * @param lars LARS trust-ratio scaling of the classifier's gradients, as the reference does; at
 *     CPU scale (few steps) it slows the probe down too much, so the CPU presets turn it off
 */
public record EvalOptimConfig(double lr, double momentum, double weightDecay, boolean nesterov,
        boolean lars) {
    public EvalOptimConfig {
        Check.positive("eval.optim.lr", lr);
        Check.inRange("eval.optim.momentum", momentum, 0.0, 1.0, false);
        Check.nonNegative("eval.optim.weight_decay", weightDecay);
    }
}
