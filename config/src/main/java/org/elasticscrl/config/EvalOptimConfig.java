package org.elasticscrl.config;

/** {@code eval.optim}: SGD (+ LARS trust scaling) for the offline linear evaluation. */
public record EvalOptimConfig(double lr, double momentum, double weightDecay, boolean nesterov) {
    public EvalOptimConfig {
        Check.positive("eval.optim.lr", lr);
        Check.inRange("eval.optim.momentum", momentum, 0.0, 1.0, false);
        Check.nonNegative("eval.optim.weight_decay", weightDecay);
    }
}
