package org.elasticscrl.core.train;

/**
 * What computing some chunks yields, as sample-weighted sums (so contributions of different
 * workers add up): {@code gradientSum = Σ n_c·∇L_c} in the online slab's layout and
 * {@code statisticsSum = Σ n_c·s_c} (BatchNorm batch mean/unbiased variance) in the buffers slab's
 * layout.
 */
public record Contribution(float[] gradientSum, float[] statisticsSum, ChunkMetrics metrics) {
    public int samples() {
        return metrics.samples();
    }
}
