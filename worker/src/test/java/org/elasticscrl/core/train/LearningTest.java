package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.core.data.SyntheticChunks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a fixed tiny batch with the CPU preset's network, the self-supervised loss falls by at least
 * half within a bounded number of steps.
 */
class LearningTest {
    private static final int MAX_STEPS = 60;

    @ParameterizedTest
    @ValueSource(strings = {"scrl_cpu", "byol_cpu"})
    void lossHalvesOnAFixedBatch(String preset) {
        ScrlConfig cfg = ConfigLoader.load(preset, List.of("--train/batch_size_train=16", "--train/chunk_size=16"));
        Chunk batch = new SyntheticChunks(cfg.seed(), 96, 128, cfg.augment().inputSize(), 10, 0.2).chunk(0, 0, 16);
        StepHyper hyper = new StepHyper(cfg.train().scaledLr(), 0.99, cfg.train().optim().weightDecay());
        try (TrainingCore core = TrainingCore.create(cfg, 10)) {
            double first = Double.NaN;
            double last = Double.NaN;
            StringBuilder trace = new StringBuilder();
            for (int s = 0; s < MAX_STEPS; s++) {
                last = core.step(List.of(batch), hyper).sslLoss();
                if (s == 0) {
                    first = last;
                }
                trace.append(String.format("%.3f ", last));
                if (last <= first / 2) {
                    break;
                }
            }
            assertTrue(last <= first / 2, preset + ": loss " + first + " -> " + last + " in " + MAX_STEPS
                    + " steps: " + trace);
            System.out.println(preset + " loss trace: " + trace);
        }
    }
}
