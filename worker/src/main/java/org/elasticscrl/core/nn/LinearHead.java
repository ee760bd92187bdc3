package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The reference's {@code SingleLayerLinearHead}: {@code linear = Linear(in, classes)}. */
public final class LinearHead extends TorchModule {
    private final Linear linear;

    public LinearHead(int in, int classes, boolean trainable) {
        super(trainable);
        linear = module("linear", new Linear(in, classes, true, trainable));
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        return linear.apply(x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return linear.getOutputShapes(inputs);
    }
}
