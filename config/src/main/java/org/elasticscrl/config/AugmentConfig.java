package org.elasticscrl.config;

import java.util.List;

/**
 * {@code augment}: the two-view augmentation (REFERENCE §6).
 *
 * @param type {@code simclr} (the full BYOL/SCRL recipe), {@code simple} (crop + flip only) or
 *     {@code none}
 * @param inputSize side of each square view in pixels (224 in the paper)
 * @param cropScale RandomResizedCrop area range, {@code [lo, hi]}
 */
public record AugmentConfig(String type, int inputSize, List<Double> cropScale) {
    public static final List<String> TYPES = List.of("none", "simple", "simclr");

    public AugmentConfig {
        type = Check.oneOf("augment.type", type, TYPES);
        Check.atLeast("augment.input_size", inputSize, 8);
        if (cropScale == null || cropScale.size() != 2 || cropScale.stream().anyMatch(java.util.Objects::isNull)
                || !(cropScale.get(0) > 0) || !(cropScale.get(0) <= cropScale.get(1))
                || !(cropScale.get(1) <= 1)) {
            throw ConfigException.invalid(
                    "augment.crop_scale", cropScale, "[lo, hi] with 0 < lo <= hi <= 1");
        }
        cropScale = List.copyOf(cropScale);
    }
}
