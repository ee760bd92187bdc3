package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.tensor.StreamingSum;

/**
 * One global step in progress: its chunks' ledger, which worker holds which lease, and the sums
 * of the contributions accepted so far. A pure object the coordinator consults.
 */
final class StepRun {
    private final long step;
    private final int epoch;
    private final int inEpoch;
    private final ChunkLedger ledger;
    private final IntUnaryOperator samplesOfChunk;
    private final Map<Long, String> leaseWorker = new HashMap<>();
    private final Map<Long, Integer> leaseEpoch = new HashMap<>();
    private final Map<Long, List<Integer>> leaseChunks = new HashMap<>();
    private final StepAggregate sums;
    /** Accepted contributions' payloads (null: nothing to fetch) and metrics, to stream again after a restart. */
    private final Map<Long, BlobRef> leaseBlob = new LinkedHashMap<>();
    private final Map<Long, StepMetrics> leaseMetrics = new HashMap<>();
    /** Metrics of the contributions summed, by lease. */
    private final Map<Long, StepMetrics> summed = new LinkedHashMap<>();
    private List<Integer> shardCuts = List.of();

    /** @param layout the run's {gradient, statistics} lengths from an earlier commit (null: none yet) */
    StepRun(long step, int epoch, int inEpoch, List<Integer> chunks, IntUnaryOperator samplesOfChunk,
            boolean canonicalSum, int[] layout) {
        this.sums = new StepAggregate(canonicalSum, layout);
        this.step = step;
        this.epoch = epoch;
        this.inEpoch = inEpoch;
        this.ledger = new ChunkLedger(step, chunks);
        this.samplesOfChunk = samplesOfChunk;
    }

    long step() {
        return step;
    }

    int epoch() {
        return epoch;
    }

    int inEpoch() {
        return inEpoch;
    }

    ChunkLedger ledger() {
        return ledger;
    }

    int samples(List<Integer> chunks) {
        return chunks.stream().mapToInt(samplesOfChunk::applyAsInt).sum();
    }

    void lease(long lease, String worker, int membershipEpoch, List<Integer> chunks) {
        ledger.lease(lease, chunks);
        leaseWorker.put(lease, worker);
        leaseEpoch.put(lease, membershipEpoch);
        leaseChunks.put(lease, List.copyOf(chunks));
    }

    String workerOf(long lease) {
        return leaseWorker.getOrDefault(lease, "?");
    }

    /**
     * Why a contribution tagged ({@code worker}, {@code lease}, {@code membershipEpoch}) for
     * {@code chunks} cannot count, or null: it must answer a lease of this step given to that
     * worker in that membership epoch, and the lease must still hold exactly those chunks.
     */
    String refusal(String worker, long lease, int membershipEpoch, List<Integer> chunks) {
        if (!worker.equals(leaseWorker.get(lease))) {
            return "lease " + lease + " of step " + step + " is not " + worker + "'s";
        }
        if (membershipEpoch != leaseEpoch.get(lease)) {
            return "membership epoch " + membershipEpoch + ", lease " + lease + " was given in epoch "
                    + leaseEpoch.get(lease);
        }
        return ledger.accept(lease, chunks);
    }

    /** An accepted contribution's payload (null: no readable sample), kept until the step ends. */
    void accepted(long lease, BlobRef blob, StepMetrics metrics) {
        leaseBlob.put(lease, blob);
        leaseMetrics.put(lease, metrics);
    }

    BlobRef blobOf(long lease) {
        return leaseBlob.get(lease);
    }

    StepMetrics metricsOf(long lease) {
        return leaseMetrics.get(lease);
    }

    /** With sharded aggregation, the cut points of the step's shards, given with every lease (empty: none). */
    List<Integer> shardCuts() {
        return shardCuts;
    }

    void shardCuts(List<Integer> cuts) {
        shardCuts = List.copyOf(cuts);
    }

    /** Whether no chunk has been leased yet (or every lease was released): the step's sums may still be chosen. */
    boolean untouched() {
        return ledger.pending().size() == ledger.chunkIds().size();
    }

    /**
     * A contribution no longer counts (sharded sums that held it were discarded for good): its metrics leave the
     * step's and its done chunks are receiving again, for the caller to release.
     */
    void drop(long lease) {
        summed.remove(lease);
        ledger.reopen(lease);
    }

    /** Whether payloads stream into the step's sum (else they are fetched whole and {@link #add}ed). */
    boolean streams() {
        return sums.streams();
    }

    /** The sum transfers currently stream into. */
    StreamingSum currentSum() {
        return sums.current();
    }

    /**
     * A contribution is summed (its arrays, may be null; or already streamed in): its chunks are done.
     *
     * @throws IllegalArgumentException (an {@link org.elasticscrl.protocol.tensor.InvalidPayloadException}
     *     when the sender is at fault) if its arrays cannot be summed: then nothing changed
     */
    void add(long lease, float[][] parts, StepMetrics metrics) {
        if (!sums.streams()) {
            sums.add(leaseChunks.get(lease), parts);
        }
        summed.put(lease, metrics);
        ledger.complete(lease);
    }

    /**
     * A transfer into the current sum failed after adding to it: the sum starts afresh, and every other
     * accepted contribution with a payload (summed or still arriving) must be streamed again — returned
     * in lease order, their chunks receiving again. The failed lease is the caller's to release.
     */
    List<Long> restart(long failed) {
        sums.restart();
        List<Long> again = new ArrayList<>();
        for (long lease : leaseBlob.keySet()) {
            // a contribution without payload added nothing: it stays done, its metrics stay counted
            if (lease != failed && leaseBlob.get(lease) != null
                    && (!ledger.reopen(lease).isEmpty() || isReceiving(lease))) {
                again.add(lease);
                summed.remove(lease);
            }
        }
        again.sort(null);
        return again;
    }

    private boolean isReceiving(long lease) {
        return ledger.leases(ChunkLedger.State.RECEIVING).contains(lease);
    }

    StepMetrics metrics() {
        return summed.values().stream().reduce(StepMetrics.NONE, StepMetrics::plus);
    }

    boolean hasSamples() {
        return sums.hasValues() && metrics().samples() > 0;
    }

    StepAggregate.Mean mean() {
        return sums.mean(metrics().samples());
    }

    /** Each chunk and the worker that computed it (step complete). */
    Map<Integer, String> answers() {
        Map<Integer, String> out = new LinkedHashMap<>();
        ledger.answers().forEach((chunk, lease) -> out.put(chunk, leaseWorker.get(lease)));
        return out;
    }
}
