package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient recording for the current thread. DJL's {@code GradientCollector} allows one collector
 * per JVM; libtorch's grad mode is per thread, which is what several replicas in one process
 * (tests, a local cluster) need.
 */
final class Autograd implements AutoCloseable {
    private final boolean previous;

    private Autograd(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Records operations for backward until closed. */
    static Autograd record() {
        return new Autograd(true);
    }

    /** Runs without recording (target network, evaluation) until closed. */
    static Autograd pause() {
        return new Autograd(false);
    }

    static void backward(NDArray scalarLoss) {
        NDArray seed = scalarLoss.getManager().ones(scalarLoss.getShape());
        JniUtils.backward((PtNDArray) scalarLoss, (PtNDArray) seed, false, false);
    }

    static void zeroGrad(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
