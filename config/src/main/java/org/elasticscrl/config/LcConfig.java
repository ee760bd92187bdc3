package org.elasticscrl.config;

/**
 * {@code network.lc}: the local contrastive loss of objective {@code byol_lc} (Islam et al., WACV
 * 2023, §3 and §4.1). The local projection branch is a 1x1 conv C→C (C = the backbone's feature
 * size, as in the paper's 2048→2048), BatchNorm, then a 1x1 conv C→{@code outputSize}; the
 * target branch is its EMA.
 *
 * @param outputSize channels of the local projection (256 in the paper)
 * @param hiddenRelu a ReLU after the branch's BatchNorm; the paper names only conv + BN, conv, so
 *     {@code false} is the paper's text
 * @param alpha weight of the local loss: {@code (1 − α)·L_G + α·L_LC} (0.1 in the paper)
 * @param temperature τ of the softmax over locations; the paper gives none. The presets use 0.2,
 *     the temperature of DenseCL's / MoCo v2's InfoNCE on cosine similarities: 1/τ = 5 exceeds
 *     ln(h·w) (3.9 at 7x7), so a confident match can hold most of the softmax mass, while a lower τ
 *     scales the gradient by 1/τ and lets the most similar locations dominate it
 */
public record LcConfig(int outputSize, boolean hiddenRelu, double alpha, double temperature) {
    public LcConfig {
        Check.atLeast("network.lc.output_size", outputSize, 1);
        Check.inRange("network.lc.alpha", alpha, 0.0, 1.0, true);
        Check.positive("network.lc.temperature", temperature);
    }
}
