package org.elasticscrl.core.train;

/**
 * What a step's chunks measured, as sums so that contributions add up across workers.
 *
 * @param sslLossSum self-supervised loss × samples, summed over chunks
 * @param ceLossSum online-evaluator cross-entropy × samples
 * @param correct online-evaluator hits (both views count)
 * @param evaluated online-evaluator predictions made
 * @param pairs RoI pairs (SCRL), image pairs (BYOL, triplet) or LC-loss cell correspondences
 *     inside view 2 (byol_lc) in the loss
 * @param skippedImages images without boxes (their crops did not overlap enough), or, for
 *     byol_lc, without any correspondence inside view 2 (they still count in the global loss)
 * @param boxFallbacks boxes kept after every try failed the IoU test
 */
public record ChunkMetrics(int samples, double sslLossSum, double ceLossSum, long correct,
        long evaluated, long pairs, long skippedImages, long boxFallbacks) {
    public static final ChunkMetrics NONE = new ChunkMetrics(0, 0, 0, 0, 0, 0, 0, 0);

    public ChunkMetrics plus(ChunkMetrics o) {
        return new ChunkMetrics(samples + o.samples, sslLossSum + o.sslLossSum, ceLossSum + o.ceLossSum,
                correct + o.correct, evaluated + o.evaluated, pairs + o.pairs,
                skippedImages + o.skippedImages, boxFallbacks + o.boxFallbacks);
    }

    public double sslLoss() {
        return samples == 0 ? Double.NaN : sslLossSum / samples;
    }

    public double ceLoss() {
        return samples == 0 ? Double.NaN : ceLossSum / samples;
    }

    public double accuracy() {
        return evaluated == 0 ? Double.NaN : (double) correct / evaluated;
    }
}
