package org.elasticscrl.core.train;

import org.elasticscrl.config.NetworkConfig;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.nn.ResNet;

/** What to build: backbone, heads, classes and target initialisation, plus the seed. */
public record ModelSpec(
        int depth,
        int width,
        ResNet.Stem stem,
        int projIn,
        int hidden,
        int projOut,
        int numClasses,
        boolean targetCopiesOnline,
        long seed) {

    public static ModelSpec of(ScrlConfig cfg, int numClasses) {
        NetworkConfig n = cfg.network();
        return new ModelSpec(
                n.depth(),
                n.width(),
                n.stem().equals("small") ? ResNet.Stem.SMALL : ResNet.Stem.IMAGENET,
                n.projHead().inputSize(),
                n.projHead().hiddenSize(),
                n.projHead().outputSize(),
                numClasses,
                n.targetInit().equals("copy"),
                cfg.seed());
    }
}
