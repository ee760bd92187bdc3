package org.elasticscrl.config;

import java.util.List;

/**
 * The whole training configuration, immutable. Load it with {@link ConfigLoader}; print it with
 * {@link ConfigLoader#toYaml(ScrlConfig)}.
 *
 * @param objective {@code scrl} (RoI pairs only) or {@code byol} (global); replaces the
 *     reference's {@code network.scrl.enabled}
 * @param seed seeds every random choice: initialisation, data order, augmentation, boxes
 * @param loadDir resume from (or evaluate) this run directory; {@code null} for none
 * @param saveDir run directory; {@code null} picks {@code runs/{config}_{NNN}}
 */
public record ScrlConfig(
        String objective,
        long seed,
        String loadDir,
        String saveDir,
        NetworkConfig network,
        DatasetConfig dataset,
        AugmentConfig augment,
        TrainConfig train,
        EvalConfig eval,
        ClusterConfig cluster) {
    public static final List<String> OBJECTIVES = List.of("scrl", "byol");

    public ScrlConfig {
        objective = Check.oneOf("objective", objective, OBJECTIVES);
        Check.require(network != null, "network: missing section");
        Check.require(dataset != null, "dataset: missing section");
        Check.require(augment != null, "augment: missing section");
        Check.require(train != null, "train: missing section");
        Check.require(eval != null, "eval: missing section");
        Check.require(cluster != null, "cluster: missing section");
        int stride = network.stride();
        if (augment.inputSize() % stride != 0) {
            throw new ConfigException(
                    "augment.input_size: '" + augment.inputSize() + "' must be a multiple of the"
                            + " backbone stride " + stride + " (network.stem: " + network.stem()
                            + ")");
        }
        double scale = network.scrl().spatialScale();
        if (Math.abs(scale * stride - 1.0) > 1e-9) {
            throw new ConfigException(
                    "network.scrl.spatial_scale: '" + scale + "' does not match the backbone;"
                            + " network.stem '" + network.stem() + "' has stride " + stride
                            + ", so expected " + (1.0 / stride));
        }
    }

    public boolean isScrl() {
        return objective.equals("scrl");
    }

    /** Side of the pre-GAP feature map: {@code input_size / stride}. */
    public int featureMapSize() {
        return augment.inputSize() / network.stride();
    }
}
