package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * torchvision's ResNet-18/34/50/101 without {@code fc}: returns the pre-GAP feature map (layer4)
 * and the global-average-pooled vector. Names and parameter counts equal torchvision's (the depth
 * table below is the one in {@code torchvision.models.resnet}). For small images the {@code small}
 * stem replaces the 7x7/2 conv and 3x3/2 max-pool by one 3x3/1 conv (total stride 8).
 */
public final class ResNet extends TorchModule {
    /** Blocks per stage, and whether the stages use bottlenecks, by depth (torchvision). */
    public static final Map<Integer, int[]> LAYERS = Map.of(
            18, new int[] {2, 2, 2, 2},
            34, new int[] {3, 4, 6, 3},
            50, new int[] {3, 4, 6, 3},
            101, new int[] {3, 4, 23, 3});

    public enum Stem { IMAGENET, SMALL }

    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final List<Stage> layers = new ArrayList<>();
    private final Stem stem;
    private final int featureDim;

    private ResNet(int depth, int width, Stem stem, boolean trainable) {
        super(trainable);
        int[] blocks = LAYERS.get(depth);
        if (blocks == null) {
            throw new IllegalArgumentException("ResNet depth must be one of " + LAYERS.keySet() + ", got " + depth);
        }
        boolean bottleneck = depth >= 50;
        this.stem = stem;
        conv1 = stem == Stem.IMAGENET
                ? module("conv1", new Conv2d(3, width, 7, 2, 3, trainable))
                : module("conv1", new Conv2d(3, width, 3, 1, 1, trainable));
        bn1 = module("bn1", new BatchNorm(width, trainable));
        int in = width;
        for (int i = 0; i < 4; i++) {
            Stage stage = new Stage(in, width << i, blocks[i], i == 0 ? 1 : 2, bottleneck, trainable);
            layers.add(module("layer" + (i + 1), stage));
            in = stage.outChannels;
        }
        featureDim = in;
    }

    public static ResNet create(int depth, int width, Stem stem, boolean trainable) {
        return new ResNet(depth, width, stem, trainable);
    }

    public int featureDim() {
        return featureDim;
    }

    public int stride() {
        return stem == Stem.IMAGENET ? 32 : 8;
    }

    /** The layer4 map {@code [N, C, H/s, W/s]} and the pooled vector {@code [N, C]}. */
    public NDList features(NDArray images, boolean training) {
        NDArray map = apply(images, training);
        return new NDList(map, Pool.globalAvgPool2d(map));
    }

    @Override
    protected NDArray forward(NDArray x, boolean training) {
        NDArray out = bn1.apply(conv1.apply(x, training), training).getNDArrayInternal().relu();
        if (stem == Stem.IMAGENET) {
            out = Pool.maxPool2d(out, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        for (Stage layer : layers) {
            out = layer.apply(out, training);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        int s = stride();
        return new Shape[] {new Shape(in.get(0), featureDim, in.get(2) / s, in.get(3) / s)};
    }

    /** {@code layerN = nn.Sequential(block0, block1, …)}, children named "0", "1", …. */
    static final class Stage extends TorchModule {
        private final List<ResidualBlock> blocks = new ArrayList<>();
        private final int outChannels;

        Stage(int in, int planes, int count, int stride, boolean bottleneck, boolean trainable) {
            super(trainable);
            int channels = in;
            for (int i = 0; i < count; i++) {
                int s = i == 0 ? stride : 1;
                ResidualBlock b = bottleneck
                        ? ResidualBlock.bottleneck(channels, planes, s, trainable)
                        : ResidualBlock.basic(channels, planes, s, trainable);
                blocks.add(module(Integer.toString(i), b));
                channels = b.outChannels();
            }
            outChannels = channels;
        }

        @Override
        protected NDArray forward(NDArray x, boolean training) {
            NDArray out = x;
            for (ResidualBlock b : blocks) {
                out = b.apply(out, training);
            }
            return out;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            Shape[] shapes = inputs;
            for (ResidualBlock b : blocks) {
                shapes = b.getOutputShapes(shapes);
            }
            return shapes;
        }
    }
}
