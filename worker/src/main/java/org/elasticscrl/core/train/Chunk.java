package org.elasticscrl.core.train;

import java.util.Objects;
import org.elasticscrl.core.roi.CropBox;

/**
 * One BatchNorm batch of two-view samples, ready for the network.
 *
 * @param epoch the epoch the samples belong to (keys the box sampler's randomness)
 * @param sampleIds dataset indices of the {@code n} samples
 * @param labels class labels for the online evaluator, or {@code null} for unlabelled data
 * @param crops1 crop and flip of view 1 of each sample (SCRL's boxes come from these)
 * @param crops2 the same for view 2
 * @param pixels {@code [2n, 3, size, size]} normalised float pixels: all view-1 images, then all
 *     view-2 images, in sample order
 */
public record Chunk(int epoch, long[] sampleIds, int[] labels, CropBox[] crops1, CropBox[] crops2,
        float[] pixels, int size) {
    public Chunk {
        Objects.requireNonNull(sampleIds);
        int n = sampleIds.length;
        if (n == 0) {
            throw new IllegalArgumentException("empty chunk");
        }
        if (crops1.length != n || crops2.length != n || (labels != null && labels.length != n)) {
            throw new IllegalArgumentException("chunk of " + n + " samples has " + crops1.length + "/"
                    + crops2.length + " crops and " + (labels == null ? 0 : labels.length) + " labels");
        }
        if (pixels.length != 2L * n * 3 * size * size) {
            throw new IllegalArgumentException("chunk of " + n + " samples of " + size + "px needs "
                    + 2L * n * 3 * size * size + " pixel values, got " + pixels.length);
        }
    }

    public int samples() {
        return sampleIds.length;
    }
}
