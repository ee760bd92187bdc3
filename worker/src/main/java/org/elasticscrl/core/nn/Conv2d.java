package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.random.RandomGenerator;

/** {@code nn.Conv2d(in, out, k, stride, padding, bias=False)}: ResNets use no conv bias. */
public final class Conv2d extends TorchModule {
    private final Parameter weight;
    private final int out;
    private final int kernel;
    private final Shape stride;
    private final Shape padding;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean trainable) {
        super(trainable);
        this.out = out;
        this.kernel = kernel;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(out, in, kernel, kernel));
    }

    public int outChannels() {
        return out;
    }

    public int kernel() {
        return kernel;
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        return x.getNDArrayInternal()
                .convolution(x, weight.getArray(), null, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** torchvision: {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}. */
    @Override
    protected float[] initialValues(Parameter p, RandomGenerator rng) {
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        return Init.normal(rng, (int) shapeOf(p).size(), std);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        long h = (in.get(2) + 2 * padding.get(0) - kernel) / stride.get(0) + 1;
        long w = (in.get(3) + 2 * padding.get(1) - kernel) / stride.get(1) + 1;
        return new Shape[] {new Shape(in.get(0), out, h, w)};
    }
}
