package org.elasticscrl.config;

import java.util.List;

/**
 * {@code dataset}: what to train on.
 *
 * @param name {@code fashion_scenes} (the embedded default: multi-object canvases composed from
 *     Fashion-MNIST), {@code fashion_mnist}, {@code image_folder} ({@code root/{train,val}/<class>/})
 *     or {@code imagenet} (the same layout)
 * @param root data directory; {@code null} means the dataset's default location
 * @param numClasses classes of the labelled split used by the evaluators; {@code null} means "take
 *     it from the data"
 * @param trainSize training images (scenes to compose for fashion-scenes); 0 means all
 * @param evalSize evaluation images (scenes); 0 means all
 */
public record DatasetConfig(String name, String root, Integer numClasses, int trainSize,
        int evalSize, SceneConfig scenes) {
    public static final List<String> NAMES =
            List.of("imagenet", "image_folder", "fashion_mnist", "fashion_scenes");

    public DatasetConfig {
        name = Check.oneOf("dataset.name", name, NAMES);
        if (numClasses != null) {
            Check.atLeast("dataset.num_classes", numClasses, 1);
        }
        Check.atLeast("dataset.train_size", trainSize, 0);
        Check.atLeast("dataset.eval_size", evalSize, 0);
        Check.require(scenes != null, "dataset.scenes: missing section");
        if (name.equals("fashion_scenes") && (trainSize == 0 || evalSize == 0)) {
            throw new ConfigException("dataset.train_size / dataset.eval_size: fashion-scenes are"
                    + " composed on demand, so give how many (e.g. 20000 / 2000), not 0");
        }
    }
}
