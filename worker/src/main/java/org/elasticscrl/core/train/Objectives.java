package org.elasticscrl.core.train;

import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.roi.BoxSampler;
import org.elasticscrl.core.roi.RoiAlign;

/** Builds the objective a configuration asks for. */
public final class Objectives {
    private Objectives() {}

    public static Objective create(ScrlConfig cfg) {
        return switch (cfg.objective()) {
            case "scrl" -> {
                yield new ScrlObjective(new BoxSampler(cfg.network().scrl(), cfg.augment().inputSize()),
                        RoiAlign.of(cfg), cfg.seed());
            }
            case "byol" -> new ByolObjective();
            case "byol_lc" -> new ByolLcObjective(new LocalContrastLoss(cfg.network().lc().temperature(),
                    cfg.augment().inputSize(), cfg.featureMapSize()), cfg.network().lc().alpha());
            case "triplet" -> new TripletObjective(TripletLoss.of(cfg.network().triplet()));
            default -> throw new IllegalArgumentException("objective: " + cfg.objective());
        };
    }
}
