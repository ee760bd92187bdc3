package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * torchvision's {@code BasicBlock} (two 3x3 convs, expansion 1) and {@code Bottleneck} (1x1, 3x3
 * with the stride, 1x1; expansion 4), with {@code downsample = Sequential(conv1x1, bn)} when the
 * shape changes. Child names ({@code conv1, bn1, …, downsample.0}) are torchvision's.
 */
public final class ResidualBlock extends TorchModule {
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Conv2d conv3;
    private final BatchNorm bn3;
    private final Downsample downsample;
    private final int stride;
    private final int outChannels;

    private ResidualBlock(int in, int planes, int stride, boolean bottleneck, boolean trainable) {
        super(trainable);
        this.stride = stride;
        int expansion = bottleneck ? 4 : 1;
        this.outChannels = planes * expansion;
        if (bottleneck) {
            conv1 = module("conv1", new Conv2d(in, planes, 1, 1, 0, trainable));
            bn1 = module("bn1", new BatchNorm(planes, trainable));
            conv2 = module("conv2", new Conv2d(planes, planes, 3, stride, 1, trainable));
            bn2 = module("bn2", new BatchNorm(planes, trainable));
            conv3 = module("conv3", new Conv2d(planes, outChannels, 1, 1, 0, trainable));
            bn3 = module("bn3", new BatchNorm(outChannels, trainable));
        } else {
            conv1 = module("conv1", new Conv2d(in, planes, 3, stride, 1, trainable));
            bn1 = module("bn1", new BatchNorm(planes, trainable));
            conv2 = module("conv2", new Conv2d(planes, planes, 3, 1, 1, trainable));
            bn2 = module("bn2", new BatchNorm(planes, trainable));
            conv3 = null;
            bn3 = null;
        }
        downsample = stride != 1 || in != outChannels
                ? module("downsample", new Downsample(in, outChannels, stride, trainable))
                : null;
    }

    public static ResidualBlock basic(int in, int planes, int stride, boolean trainable) {
        return new ResidualBlock(in, planes, stride, false, trainable);
    }

    public static ResidualBlock bottleneck(int in, int planes, int stride, boolean trainable) {
        return new ResidualBlock(in, planes, stride, true, trainable);
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        NDArray out = bn1.apply(conv1.apply(x, training), training).getNDArrayInternal().relu();
        out = bn2.apply(conv2.apply(out, training), training);
        if (conv3 != null) {
            out = bn3.apply(conv3.apply(out.getNDArrayInternal().relu(), training), training);
        }
        NDArray identity = downsample == null ? x : downsample.apply(x, training);
        return out.addi(identity).getNDArrayInternal().relu();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        return new Shape[] {
            new Shape(in.get(0), outChannels, (in.get(2) - 1) / stride + 1, (in.get(3) - 1) / stride + 1)
        };
    }

    /** {@code downsample = nn.Sequential(conv1x1(in, out, stride), BatchNorm2d(out))}. */
    static final class Downsample extends TorchModule {
        private final Conv2d conv;
        private final BatchNorm bn;

        Downsample(int in, int out, int stride, boolean trainable) {
            super(trainable);
            conv = module("0", new Conv2d(in, out, 1, stride, 0, trainable));
            bn = module("1", new BatchNorm(out, trainable));
        }

        @Override
        protected NDArray forward(NDArray x, boolean training) {
            return bn.apply(conv.apply(x, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return conv.getOutputShapes(inputs);
        }
    }
}
