package org.elasticscrl.config;

import java.util.List;

/**
 * {@code train.optim}: LARS for pretraining (REFERENCE §5.3).
 *
 * @param lr base learning rate per 256 samples; the applied peak is {@code lr · global_batch / 256}
 * @param excludeBy how parameters are put into the "no adaptation, no weight decay" group:
 *     {@code reference_name} (the reference: the reference module name contains {@code bn} or
 *     {@code bias}, so the stem, downsample and head BatchNorm weights stay in the LARS group),
 *     {@code param_type} (every BatchNorm parameter and every bias, as in the BYOL paper) or
 *     {@code none} (everything gets LARS and weight decay)
 * @param lrSquaredQuirk the reference scales excluded gradients by the learning rate before the
 *     SGD step multiplies by it again, i.e. updates them with lr²; {@code false} uses lr
 */
public record TrainOptimConfig(
        double lr,
        double momentum,
        double weightDecay,
        double trustCoef,
        double eps,
        String excludeBy,
        boolean lrSquaredQuirk) {
    public static final List<String> EXCLUDE_BY = List.of("reference_name", "param_type", "none");

    public TrainOptimConfig {
        Check.positive("train.optim.lr", lr);
        Check.inRange("train.optim.momentum", momentum, 0.0, 1.0, false);
        Check.nonNegative("train.optim.weight_decay", weightDecay);
        Check.positive("train.optim.trust_coef", trustCoef);
        Check.positive("train.optim.eps", eps);
        excludeBy = Check.oneOf("train.optim.exclude_by", excludeBy, EXCLUDE_BY);
    }
}
