package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A self-supervised objective: from a chunk's views and the online backbone's features, the loss
 * whose gradient trains the online network (the target side runs without gradients).
 */
public interface Objective {
    /** The loss and what it was made of. */
    record Loss(NDArray value, long pairs, long skippedImages, long boxFallbacks) {}

    String name();

    /**
     * @param views {@code [2n, 3, S, S]}, view 1 images then view 2 images
     * @param online the online backbone's {@code (map, pooled)} for {@code views}
     */
    Loss loss(Networks nets, Chunk chunk, NDArray views, NDList online, StepProfile profile);
}
