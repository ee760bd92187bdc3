package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * {@code nn.BatchNorm1d/2d(C)} (eps 1e-5) whose training pass does <em>not</em> update the running
 * statistics. Instead it writes the batch mean and unbiased variance into the two arrays given by
 * {@link #recordInto}: libtorch's fused kernel with momentum 1 leaves exactly the batch statistics
 * in the "running" arrays it is handed. The cluster then averages those statistics over a step's
 * chunks and every replica applies the same running-stat update, which keeps replicas identical
 * (DESIGN I1) whichever worker computed which chunk.
 */
public final class BatchNorm extends TorchModule {
    public static final double EPS = 1e-5;
    /** PyTorch's default running-statistics momentum. */
    public static final double MOMENTUM = 0.1;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final int channels;
    private NDArray statMean;
    private NDArray statVar;

    public BatchNorm(int channels, boolean trainable) {
        super(trainable);
        this.channels = channels;
        weight = parameter("weight", Parameter.Type.GAMMA, new Shape(channels));
        bias = parameter("bias", Parameter.Type.BETA, new Shape(channels));
        runningMean = buffer("running_mean", Parameter.Type.RUNNING_MEAN, new Shape(channels));
        runningVar = buffer("running_var", Parameter.Type.RUNNING_VAR, new Shape(channels));
    }

    public int channels() {
        return channels;
    }

    /** Where training passes leave the batch mean and unbiased variance (persistent views). */
    public void recordInto(NDArray mean, NDArray var) {
        this.statMean = mean;
        this.statVar = var;
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        NDArray mean = runningMean.getArray();
        NDArray var = runningVar.getArray();
        if (training) {
            if (statMean == null) {
                throw new IllegalStateException("BatchNorm has no statistics sink; call recordInto");
            }
            mean = statMean;
            var = statVar;
        }
        return JniUtils.batchNorm(
                (PtNDArray) x,
                (PtNDArray) mean,
                (PtNDArray) var,
                (PtNDArray) weight.getArray(),
                (PtNDArray) bias.getArray(),
                training,
                1.0,
                EPS);
    }

    /** weight and running_var start at 1, bias and running_mean at 0. */
    @Override
    protected float[] initialValues(Parameter p, RandomGenerator rng) {
        float[] v = new float[channels];
        if (p == weight || p == runningVar) {
            Arrays.fill(v, 1f);
        }
        return v;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }
}
