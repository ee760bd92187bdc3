package org.elasticscrl.config;

import java.util.List;

/**
 * The whole training configuration, immutable. Load it with {@link ConfigLoader}; print it with
 * {@link ConfigLoader#toYaml(ScrlConfig)}.
 *
 * @param objective {@code scrl} (RoI pairs only), {@code byol} (global), {@code byol_lc} (BYOL plus
 *     the local contrastive loss, {@code network.lc}) or {@code triplet} (the truncated triplet
 *     loss, {@code network.triplet}); replaces the reference's {@code network.scrl.enabled}
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
    public static final List<String> OBJECTIVES = List.of("scrl", "byol", "byol_lc", "triplet");

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
        if (objective.equals("byol_lc") && augment.inputSize() / stride < 2) {
            throw new ConfigException("objective: 'byol_lc' needs a feature map of at least 2x2 for its"
                    + " softmax over locations; augment.input_size " + augment.inputSize() + " / stride "
                    + stride + " gives " + augment.inputSize() / stride);
        }
        int rankTo = network.triplet().rankTo();
        if (objective.equals("triplet") && train.chunkSize() - 1 < rankTo) {
            throw new ConfigException("network.triplet.rank_to: '" + rankTo + "' needs " + rankTo
                    + " other images in each BatchNorm batch, but train.chunk_size " + train.chunkSize()
                    + " gives " + (train.chunkSize() - 1) + "; raise train.chunk_size or lower rank_to");
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
