package org.elasticscrl.protocol;

/**
 * What computing some chunks measured, as sums so that contributions add up across workers
 * (see the learning core's {@code ChunkMetrics}).
 */
public record StepMetrics(int samples, double sslLossSum, double ceLossSum, long correct, long evaluated,
        long pairs, long skippedImages, long boxFallbacks) {
    public static final StepMetrics NONE = new StepMetrics(0, 0, 0, 0, 0, 0, 0, 0);

    public StepMetrics plus(StepMetrics o) {
        return new StepMetrics(samples + o.samples, sslLossSum + o.sslLossSum, ceLossSum + o.ceLossSum,
                correct + o.correct, evaluated + o.evaluated, pairs + o.pairs, skippedImages + o.skippedImages,
                boxFallbacks + o.boxFallbacks);
    }

    public double sslLoss() {
        return samples == 0 ? Double.NaN : sslLossSum / samples;
    }
}
