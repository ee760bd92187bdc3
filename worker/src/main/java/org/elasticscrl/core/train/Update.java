package org.elasticscrl.core.train;

/**
 * A committed step as every replica applies it: the sample-weighted mean gradient and mean
 * BatchNorm statistics, and the step's hyper-parameters.
 */
public record Update(float[] meanGradient, float[] meanStatistics, StepHyper hyper) {
    /** The mean of a (possibly merged) contribution. */
    public static Update mean(Contribution c, StepHyper hyper) {
        int n = c.samples();
        if (n <= 0) {
            throw new IllegalArgumentException("an update needs at least one sample");
        }
        return new Update(divide(c.gradientSum(), n), divide(c.statisticsSum(), n), hyper);
    }

    /**
     * {@code sum · (1/n)} in float32: the same arithmetic as the fused step's native
     * {@code muli(1f / n)}, so split and fused steps agree to the bit.
     */
    static float[] divide(float[] sum, int n) {
        float[] out = new float[sum.length];
        float inv = inverse(n);
        for (int i = 0; i < sum.length; i++) {
            out[i] = sum[i] * inv;
        }
        return out;
    }

    static float inverse(int samples) {
        return 1f / samples;
    }
}
