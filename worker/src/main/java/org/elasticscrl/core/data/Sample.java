package org.elasticscrl.core.data;

import java.util.List;

/**
 * One dataset item: the image, its class label (−1 when unlabelled) and its ground-truth boxes
 * (empty when the dataset has none).
 */
public record Sample(Image image, int label, List<LabeledBox> boxes) {
    public Sample {
        boxes = List.copyOf(boxes);
    }

    public static Sample of(Image image, int label) {
        return new Sample(image, label, List.of());
    }
}
