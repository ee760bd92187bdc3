package org.elasticscrl.config;

/**
 * {@code network.proj_head}: sizes of the projector (input → hidden → output) and of the predictor
 * (output → hidden → output), as in the reference's {@code TwoLayerLinearHead}.
 */
public record ProjHeadConfig(int inputSize, int hiddenSize, int outputSize) {
    public ProjHeadConfig {
        Check.atLeast("network.proj_head.input_size", inputSize, 1);
        Check.atLeast("network.proj_head.hidden_size", hiddenSize, 1);
        Check.atLeast("network.proj_head.output_size", outputSize, 1);
    }
}
