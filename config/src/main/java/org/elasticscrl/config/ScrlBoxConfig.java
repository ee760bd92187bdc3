package org.elasticscrl.config;

/**
 * {@code network.scrl}: the RoI pair sampler and RoIAlign settings (REFERENCE §2, §3). The
 * reference's {@code enabled} flag is replaced by the top-level {@code objective} key.
 *
 * @param maxTries candidates tried per box before the last one is kept anyway (50 in the reference,
 *     where it is hard-coded)
 */
public record ScrlBoxConfig(
        int numPatchesPerImage,
        double iouThreshold,
        boolean boxJittering,
        double jitteringRatio,
        boolean gridBasedBoxGen,
        int minSize,
        int maxTries,
        int poolSize,
        double spatialScale,
        int samplingRatio,
        boolean detectronAligned) {
    public ScrlBoxConfig {
        Check.atLeast("network.scrl.num_patches_per_image", numPatchesPerImage, 1);
        Check.inRange("network.scrl.iou_threshold", iouThreshold, 0.0, 1.0, true);
        Check.inRange("network.scrl.jittering_ratio", jitteringRatio, 0.0, 1.0, false);
        Check.atLeast("network.scrl.min_size", minSize, 1);
        Check.atLeast("network.scrl.max_tries", maxTries, 1);
        if (poolSize != 1) {
            throw ConfigException.invalid(
                    "network.scrl.pool_size", poolSize, "1 (SCRL pools each RoI to 1x1)");
        }
        Check.positive("network.scrl.spatial_scale", spatialScale);
        if (samplingRatio != -1 && samplingRatio < 1) {
            throw ConfigException.invalid(
                    "network.scrl.sampling_ratio",
                    samplingRatio,
                    "-1 (adaptive: ceil(roi size) samples per axis) or an integer >= 1");
        }
    }
}
