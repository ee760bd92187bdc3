package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.random.RandomGenerator;

/**
 * {@code nn.Conv2d(in, out, kernel_size=1)} with PyTorch's defaults: a bias, and weight and bias
 * ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5). Unlike the ResNet's {@link Conv2d} it is not
 * re-initialised by torchvision, as in a head added on top of the backbone.
 */
public final class PointwiseConv extends TorchModule {
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape NONE = new Shape(0, 0);

    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    public PointwiseConv(int in, int out, boolean trainable) {
        super(trainable);
        this.in = in;
        this.out = out;
        weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(out, in, 1, 1));
        bias = parameter("bias", Parameter.Type.BIAS, new Shape(out));
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        return x.getNDArrayInternal()
                .convolution(x, weight.getArray(), bias.getArray(), ONE, NONE, ONE, 1)
                .singletonOrThrow();
    }

    @Override
    protected float[] initialValues(Parameter p, RandomGenerator rng) {
        return Init.uniform(rng, (int) shapeOf(p).size(), 1.0 / Math.sqrt(in));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
    }
}
