package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The LC-loss paper's local projection branch (§4.1) on the pre-GAP map: a 1x1 conv C→C, BatchNorm,
 * then a 1x1 conv C→out, per location. Keys follow a {@code Sequential}: {@code net.0.*} (conv),
 * {@code net.1.*} (BN), {@code net.3.*} (conv); index 2 is the optional ReLU, which the paper does
 * not name, so that the keys are the same with or without it.
 */
public final class LocalProjectionHead extends TorchModule {
    private final Net net;

    public LocalProjectionHead(int channels, int out, boolean hiddenRelu, boolean trainable) {
        super(trainable);
        net = module("net", new Net(channels, out, hiddenRelu, trainable));
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        return net.apply(x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return net.getOutputShapes(inputs);
    }

    static final class Net extends TorchModule {
        private final PointwiseConv conv1;
        private final BatchNorm bn;
        private final PointwiseConv conv2;
        private final boolean relu;

        Net(int channels, int out, boolean relu, boolean trainable) {
            super(trainable);
            conv1 = module("0", new PointwiseConv(channels, channels, trainable));
            bn = module("1", new BatchNorm(channels, trainable));
            conv2 = module("3", new PointwiseConv(channels, out, trainable));
            this.relu = relu;
        }

        @Override
        protected NDArray forward(NDArray x, boolean training) {
            NDArray h = bn.apply(conv1.apply(x, training), training);
            return conv2.apply(relu ? h.getNDArrayInternal().relu() : h, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return conv2.getOutputShapes(inputs);
        }
    }
}
