package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.random.RandomGenerator;

/** {@code nn.Linear(in, out, bias)}: weight of shape (out, in) as in PyTorch. */
public final class Linear extends TorchModule {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    public Linear(int in, int out, boolean withBias, boolean trainable) {
        super(trainable);
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(out, in));
        this.bias = withBias ? parameter("bias", Parameter.Type.BIAS, new Shape(out)) : null;
    }

    public int inFeatures() {
        return in;
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        NDArray b = bias == null ? null : bias.getArray();
        return x.getNDArrayInternal().linear(x, weight.getArray(), b).singletonOrThrow();
    }

    /** PyTorch's default: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)). */
    @Override
    protected float[] initialValues(Parameter p, RandomGenerator rng) {
        return Init.uniform(rng, (int) shapeOf(p).size(), 1.0 / Math.sqrt(in));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), out)};
    }
}
