package org.elasticscrl.core.train;

import org.elasticscrl.config.ScrlBoxConfig;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.roi.BoxSampler;
import org.elasticscrl.core.roi.RoiAlign;

/** Builds the objective a configuration asks for. */
public final class Objectives {
    private Objectives() {}

    public static Objective create(ScrlConfig cfg) {
        return switch (cfg.objective()) {
            case "scrl" -> {
                ScrlBoxConfig box = cfg.network().scrl();
                int side = cfg.featureMapSize();
                yield new ScrlObjective(
                        new BoxSampler(box, cfg.augment().inputSize()),
                        new RoiAlign(side, side, box.spatialScale(), box.samplingRatio(), box.detectronAligned()),
                        cfg.seed());
            }
            case "byol" -> new ByolObjective();
            default -> throw new IllegalArgumentException("objective: " + cfg.objective());
        };
    }
}
