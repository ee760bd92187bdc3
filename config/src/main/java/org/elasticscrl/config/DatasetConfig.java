package org.elasticscrl.config;

import java.util.List;

/**
 * {@code dataset}: what to train on.
 *
 * @param root data directory; {@code null} means the dataset's default location
 * @param numClasses classes of the labelled split used by the evaluators; {@code null} means "take
 *     it from the data"
 */
public record DatasetConfig(String name, String root, Integer numClasses) {
    public static final List<String> NAMES =
            List.of("imagenet", "image_folder", "fashion_mnist", "fashion_scenes", "synthetic");

    public DatasetConfig {
        name = Check.oneOf("dataset.name", name, NAMES);
        if (numClasses != null) {
            Check.atLeast("dataset.num_classes", numClasses, 1);
        }
    }
}
