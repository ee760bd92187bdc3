package org.elasticscrl.core.train;

import org.elasticscrl.config.NetworkConfig;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.nn.ResNet;

/**
 * What to build: backbone, heads, classes and target initialisation, plus the seed.
 *
 * @param outputBias a bias on the projector's and predictor's last layer
 * @param localOut channels of the local projection branch (objective {@code byol_lc}), 0 for none
 * @param localRelu a ReLU inside the local projection branch
 */
public record ModelSpec(
        int depth,
        int width,
        ResNet.Stem stem,
        int projIn,
        int hidden,
        int projOut,
        boolean outputBias,
        int localOut,
        boolean localRelu,
        int numClasses,
        boolean targetCopiesOnline,
        long seed) {

    public static ModelSpec of(ScrlConfig cfg, int numClasses) {
        NetworkConfig n = cfg.network();
        boolean local = cfg.objective().equals("byol_lc");
        return new ModelSpec(
                n.depth(),
                n.width(),
                n.stem().equals("small") ? ResNet.Stem.SMALL : ResNet.Stem.IMAGENET,
                n.projHead().inputSize(),
                n.projHead().hiddenSize(),
                n.projHead().outputSize(),
                n.projHead().outputBias(),
                local ? n.lc().outputSize() : 0,
                local && n.lc().hiddenRelu(),
                numClasses,
                n.targetInit().equals("copy"),
                cfg.seed());
    }

    /** Whether the networks carry a local projection branch. */
    public boolean hasLocalBranch() {
        return localOut > 0;
    }
}
