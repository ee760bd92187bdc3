package org.elasticscrl.config;

/**
 * {@code network.proj_head}: sizes of the projector (input → hidden → output) and of the predictor
 * (output → hidden → output), as in the reference's {@code TwoLayerLinearHead}.
 *
 * @param outputBias a bias on the heads' last linear layer: SCRL's {@code TwoLayerLinearHead} has
 *     none ({@code false}); BYOL's MLP and the triplet repository's {@code NonLinearNeckSimCLR}
 *     have one ({@code true})
 */
public record ProjHeadConfig(int inputSize, int hiddenSize, int outputSize, boolean outputBias) {
    public ProjHeadConfig {
        Check.atLeast("network.proj_head.input_size", inputSize, 1);
        Check.atLeast("network.proj_head.hidden_size", hiddenSize, 1);
        Check.atLeast("network.proj_head.output_size", outputSize, 1);
    }
}
