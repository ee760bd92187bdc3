package org.elasticscrl.core.run;

import java.nio.file.Path;
import java.util.List;

/** What a {@link Trainer} tells its user while it runs (progress bar, logs). */
public interface TrainListener {
    /** After each optimizer step. */
    record StepEvent(int epoch, int maxEpochs, int step, int stepsPerEpoch, long globalStep, long totalSteps,
            double sslLoss, double ceLoss, double accuracy, double lr, double tau, double imagesPerSecond,
            double etaSeconds) {}

    /** After each epoch; {@code onlineAccuracy} is NaN when not evaluated, {@code checkpoint} null when none. */
    record EpochEvent(int epoch, double sslLoss, double onlineAccuracy, List<String> skipped, Path checkpoint,
            double seconds) {}

    default void step(StepEvent e) {}

    default void epoch(EpochEvent e) {}

    default void info(String message) {}

    TrainListener SILENT = new TrainListener() {};
}
