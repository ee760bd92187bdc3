package org.elasticscrl.coordinator;

import java.util.List;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.StepMetrics;

/**
 * What a contribution declares, checked against its lease before anything of it is fetched: the samples
 * it claims must fit its chunks (fewer when some were unreadable, never more), a payload exactly when it
 * has samples, finite losses. The payload itself is checked while it arrives (finite values, size, layout).
 * A pure function.
 */
final class ContributionCheck {
    private ContributionCheck() {}

    /** Why {@code metrics} and {@code blob} cannot answer a lease of chunks holding {@code planned} samples, or null. */
    static String problem(StepMetrics metrics, int planned, BlobRef blob) {
        return problem(metrics, planned, blob, List.of(), 0);
    }

    /**
     * As {@link #problem(StepMetrics, int, BlobRef)} for a step of {@code shards} shards (0: summed by the coordinator,
     * which takes one payload; else one slice per shard).
     */
    static String problem(StepMetrics metrics, int planned, BlobRef blob, List<BlobRef> slices, int shards) {
        if (shards == 0 && !slices.isEmpty()) {
            return "it sends " + slices.size() + " slices to a step summed in one payload";
        }
        if (shards > 0 && (blob != null || (!slices.isEmpty() && slices.size() != shards))) {
            return "it sends " + (blob != null ? "one payload" : slices.size() + " slices") + " to a step of " + shards
                    + " shards";
        }
        BlobRef payload = blob != null ? blob : slices.isEmpty() ? null : slices.get(0);
        int n = metrics.samples();
        if (n < 0 || n > planned) {
            return "it claims " + n + " samples, its chunks hold " + planned;
        }
        if (n > 0 && payload == null) {
            return "it claims " + n + " samples but sends no payload";
        }
        if (n == 0 && payload != null) {
            return "it sends a payload for no sample";
        }
        if (!Double.isFinite(metrics.sslLossSum()) || !Double.isFinite(metrics.ceLossSum())) {
            return "its loss sums are not finite (ssl " + metrics.sslLossSum() + ", ce " + metrics.ceLossSum() + ")";
        }
        // the online evaluator predicts both views of each sample
        if (metrics.correct() < 0 || metrics.correct() > metrics.evaluated() || metrics.evaluated() > 2L * n
                || metrics.pairs() < 0 || metrics.skippedImages() < 0 || metrics.boxFallbacks() < 0) {
            return "its counts do not add up (" + metrics + ")";
        }
        return null;
    }
}
