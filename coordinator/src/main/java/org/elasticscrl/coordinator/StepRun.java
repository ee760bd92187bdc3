package org.elasticscrl.coordinator;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.elasticscrl.protocol.StepMetrics;

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

    StepRun(long step, int epoch, int inEpoch, List<Integer> chunks, IntUnaryOperator samplesOfChunk,
            boolean canonicalSum) {
        this.sums = new StepAggregate(canonicalSum);
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

    /** Sums an accepted contribution (payload may be null: no readable sample) and completes its chunks. */
    void add(long lease, ByteBuffer payload, StepMetrics metrics) {
        sums.add(leaseChunks.get(lease), payload, metrics);
        ledger.complete(lease);
    }

    StepMetrics metrics() {
        return sums.metrics();
    }

    boolean hasSamples() {
        return sums.hasSamples();
    }

    float[][] mean() {
        return sums.mean();
    }

    /** Each chunk and the worker that computed it (step complete). */
    Map<Integer, String> answers() {
        Map<Integer, String> out = new LinkedHashMap<>();
        ledger.answers().forEach((chunk, lease) -> out.put(chunk, leaseWorker.get(lease)));
        return out;
    }
}
