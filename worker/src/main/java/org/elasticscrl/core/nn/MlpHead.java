package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's {@code TwoLayerLinearHead}, used as projector and predictor:
 * {@code net = Sequential(Linear(in, hidden), BatchNorm1d(hidden), ReLU, Linear(hidden, out,
 * bias=False))}, so its keys are {@code net.0.*}, {@code net.1.*}, {@code net.3.weight}. With
 * {@code outputBias} the last layer has a bias ({@code net.3.bias}), as in BYOL's MLP and the
 * triplet repository's {@code NonLinearNeckSimCLR}.
 */
public final class MlpHead extends TorchModule {
    private final Net net;

    public MlpHead(int in, int hidden, int out, boolean outputBias, boolean trainable) {
        super(trainable);
        net = module("net", new Net(in, hidden, out, outputBias, trainable));
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
        private final Linear fc1;
        private final BatchNorm bn;
        private final Linear fc2;

        Net(int in, int hidden, int out, boolean outputBias, boolean trainable) {
            super(trainable);
            fc1 = module("0", new Linear(in, hidden, true, trainable));
            bn = module("1", new BatchNorm(hidden, trainable));
            // index 2 is the parameterless ReLU
            fc2 = module("3", new Linear(hidden, out, outputBias, trainable));
        }

        @Override
        protected NDArray forward(NDArray x, boolean training) {
            NDArray h = bn.apply(fc1.apply(x, training), training).getNDArrayInternal().relu();
            return fc2.apply(h, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return fc2.getOutputShapes(inputs);
        }
    }
}
