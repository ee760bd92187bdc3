package org.elasticscrl.config;

/**
 * {@code dataset.scenes}: how fashion-scenes canvases are composed from Fashion-MNIST items.
 *
 * @param canvasSize side of the square canvas in pixels
 * @param minItems fewest items per scene
 * @param maxItems most items per scene
 * @param minItemSize smallest item side in pixels (items are 28x28 originals, rescaled)
 * @param maxItemSize largest item side in pixels
 * @param maxOverlap largest IoU allowed between two items' boxes in a scene
 */
public record SceneConfig(int canvasSize, int minItems, int maxItems, int minItemSize,
        int maxItemSize, double maxOverlap) {
    public SceneConfig {
        Check.atLeast("dataset.scenes.canvas_size", canvasSize, 16);
        Check.atLeast("dataset.scenes.min_items", minItems, 1);
        Check.atLeast("dataset.scenes.max_items", maxItems, minItems);
        Check.atLeast("dataset.scenes.min_item_size", minItemSize, 8);
        Check.atLeast("dataset.scenes.max_item_size", maxItemSize, minItemSize);
        if (maxItemSize > canvasSize) {
            throw new ConfigException("dataset.scenes.max_item_size: '" + maxItemSize
                    + "' must fit in the canvas (dataset.scenes.canvas_size " + canvasSize + ")");
        }
        Check.inRange("dataset.scenes.max_overlap", maxOverlap, 0.0, 1.0, true);
    }
}
