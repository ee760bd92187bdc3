package org.elasticscrl.config;

import java.util.List;

/**
 * {@code augment}: the two-view augmentation (REFERENCE §6).
 *
 * @param type {@code simclr} (the full BYOL/SCRL recipe), {@code simple} (crop + flip only) or
 *     {@code none}
 * @param inputSize side of each square view in pixels (224 in the paper)
 * @param cropScale RandomResizedCrop area range, {@code [lo, hi]}
 * @param view1Geometry {@code random_resized_crop} (crop + flip, the reference) or {@code resize}
 *     (view 1 is the whole image resized to {@code input_size}, never flipped: colour transforms
 *     only, the LC-loss paper's target image); view 2 always gets crop + flip
 */
public record AugmentConfig(String type, int inputSize, List<Double> cropScale, String view1Geometry) {
    public static final List<String> TYPES = List.of("none", "simple", "simclr");
    public static final List<String> VIEW1_GEOMETRIES = List.of("random_resized_crop", "resize");

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
        view1Geometry = Check.oneOf("augment.view1_geometry", view1Geometry, VIEW1_GEOMETRIES);
        if (type.equals("none") && !view1Geometry.equals("random_resized_crop")) {
            throw new ConfigException("augment.view1_geometry: '" + view1Geometry + "' has no effect with"
                    + " augment.type 'none' (both views are the centre crop); use random_resized_crop");
        }
    }

    /** Whether view 1 is the whole image resized (no crop, no flip). */
    public boolean plainFirstView() {
        return view1Geometry.equals("resize");
    }
}
