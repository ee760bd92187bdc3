package org.elasticscrl.core.run;

import java.nio.file.Path;
import org.elasticscrl.core.eval.LinearProbe;

/**
 * The outcome of a run: where it lives, how far it got, and its evaluations ({@code null} where
 * not run; accuracies are fractions).
 */
public record TrainResult(Path runDir, int epochs, long steps, long images, double finalLoss,
        double onlineAccuracy, double bestOnlineAccuracy, LinearProbe.Result globalLinear,
        LinearProbe.Result roiLinear, double trainSeconds) {}
