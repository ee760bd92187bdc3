package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.TripletConfig;
import org.elasticscrl.core.data.SyntheticChunks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On a fixed tiny batch with a CPU preset's network, the self-supervised loss falls to a given
 * fraction (half) of its distance to its lowest possible value within a bounded number of steps.
 * That floor is 0, except for the triplet loss (with |d| ≤ 2 its hinge never closes, so each
 * direction is at least {@code margin − 2γ − 2}) and the LC-loss alone (α = 1: each pair's
 * resampled NLL is a cross-entropy against its bilinear weights, so at least their entropy). The
 * synthetic views are plane waves, alike along their wavefronts, so the local term alone cannot get
 * near its floor and is asked for two thirds.
 */
class LearningTest {
    private static final int MAX_STEPS = 60;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"scrl_cpu,,0.5", "byol_cpu,,0.5", "byol_lc_cpu,,0.5", "byol_lc_cpu,--network/lc/alpha=1.0,0.67",
        "triplet_cpu,,0.5"})
    void lossFallsOnAFixedBatch(String preset, String override, double fraction) {
        List<String> args = new ArrayList<>(List.of("--train/batch_size_train=16", "--train/chunk_size=16"));
        if (override != null) {
            args.add(override);
        }
        ScrlConfig cfg = ConfigLoader.load(preset, args);
        SyntheticChunks data = new SyntheticChunks(cfg.seed(), 96, 128, cfg.augment().inputSize(), 10, 0.2);
        if (cfg.augment().plainFirstView()) {
            data = data.withPlainFirstView();
        }
        Chunk batch = data.chunk(0, 0, 16);
        double floor = cfg.objective().equals("triplet") ? tripletFloor(cfg.network().triplet())
                : cfg.network().lc().alpha() == 1.0 ? lcFloor(cfg, batch) : 0;
        StepHyper hyper = new StepHyper(cfg.train().scaledLr(), 0.99, cfg.train().optim().weightDecay());
        try (TrainingCore core = TrainingCore.create(cfg, 10)) {
            double first = Double.NaN;
            double last = Double.NaN;
            StringBuilder trace = new StringBuilder();
            for (int s = 0; s < MAX_STEPS; s++) {
                last = core.step(List.of(batch), hyper).sslLoss() - floor;
                if (s == 0) {
                    first = last;
                }
                trace.append(String.format("%.3f ", last));
                if (last <= first * fraction) {
                    break;
                }
            }
            String what = preset + (override == null ? "" : " " + override);
            assertTrue(last <= first * fraction, what + ": loss above its floor " + first + " -> " + last + " in "
                    + MAX_STEPS + " steps: " + trace);
            System.out.println(what + " loss-above-floor trace: " + trace);
        }
    }

    /**
     * The LC-loss's floor on this batch: each pair's resampled NLL is a cross-entropy against its
     * bilinear weights, so it is at least their entropy (Gibbs); averaged like the loss.
     */
    private static double lcFloor(ScrlConfig cfg, Chunk batch) {
        LocalContrastLoss lc = new LocalContrastLoss(cfg.network().lc().temperature(), cfg.augment().inputSize(),
                cfg.featureMapSize());
        LocalContrastLoss.Resampling r = lc.resampling(batch.crops1(), batch.crops2());
        float[] w = r.weights();
        int cells = r.cells();
        double floor = 0;
        for (int row = 0; row < w.length / cells; row++) {
            double total = 0;
            for (int k = 0; k < cells; k++) {
                total += w[row * cells + k];
            }
            for (int k = 0; k < cells; k++) {
                double v = w[row * cells + k];
                floor += v > 0 ? -v * Math.log(v / total) : 0;
            }
        }
        return floor;
    }

    /** Both directions at their best: γ·(−2) − 2 + margin each. */
    private static double tripletFloor(TripletConfig t) {
        return 2 * (t.margin() - 2 * t.gamma() - 2);
    }
}
