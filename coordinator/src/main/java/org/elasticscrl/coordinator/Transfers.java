package org.elasticscrl.coordinator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.tensor.InvalidPayloadException;
import org.elasticscrl.protocol.tensor.PayloadSummer;
import org.elasticscrl.protocol.tensor.StreamingSum;

/**
 * Brings accepted contributions' payloads into their step's sum, off the actor thread: streamed into
 * the step's {@link StreamingSum} while they arrive, or (canonical sums) fetched whole. Each ends as a
 * {@link Fetched} to the coordinator. A streamed transfer that fails after adding to the sum spoils it:
 * {@link #restart} discards that sum and streams every other accepted contribution into a new one —
 * all or nothing, never a contribution counted twice or half.
 */
final class Transfers {
    /**
     * A contribution's transfer ended: {@code error} null if it arrived; {@code parts} its arrays when
     * fetched whole (null when streamed, or when it had nothing to send); {@code into} and {@code summer}
     * the sum it streamed into and how far it got (null when not streamed); {@code error} why it did not
     * arrive (null if it did).
     */
    record Fetched(String workerId, long lease, long step, float[][] parts, StepMetrics metrics, Failure error,
            StreamingSum into, PayloadSummer summer) implements Command {}

    /** Why a contribution could not be summed; {@code invalid}: the sender is at fault, not the transfer. */
    record Failure(String why, boolean invalid) {
        /** What a failed future says: the payload's own fault ({@link InvalidPayloadException}) or the transfer's. */
        static Failure of(Throwable e) {
            if (e == null) {
                return null;
            }
            InvalidPayloadException invalid = InvalidPayloadException.in(e);
            return invalid != null ? new Failure(invalid.getMessage(), true) : new Failure(e.toString(), false);
        }
    }

    private final ActorContext<Command> ctx;
    private final Tensors blobs;
    /** Streams under way, by lease: cancelled when the sum they feed is discarded. */
    private final Map<Long, CompletableFuture<Long>> streaming = new HashMap<>();
    /** The last committed step's accumulator, offered once to the next sum (never a discarded sum's). */
    private float[] spare;
    /** The last commits, oldest first: their updates served to workers catching up, then forgotten. */
    private final java.util.Deque<org.elasticscrl.protocol.WorkerProtocol.Commit> replay = new java.util.ArrayDeque<>();

    Transfers(ActorContext<Command> ctx, Tensors blobs) {
        this.ctx = ctx;
        this.blobs = blobs;
    }

    /** Starts bringing in the accepted contribution of {@code lease} ({@code blob} null: nothing to bring). */
    void start(StepRun step, String worker, long lease, BlobRef blob, StepMetrics metrics) {
        step.accepted(lease, blob, metrics);
        long s = step.step();
        if (blob == null) {
            ctx.getSelf().tell(new Fetched(worker, lease, s, null, metrics, null, null, null));
        } else if (step.streams()) {
            streaming.values().removeIf(CompletableFuture::isDone);
            StreamingSum into = step.currentSum();
            if (spare != null) {
                into.reuse(spare);
                spare = null; // offered once: should this sum be discarded, its streams may still write there
            }
            PayloadSummer summer = into.summer(blob.bytes());
            CompletableFuture<Long> f = blobs.stream(blob, summer::accept);
            streaming.put(lease, f);
            ctx.pipeToSelf(f, (n, e) -> new Fetched(worker, lease, s, null, metrics, Failure.of(e), into, summer));
        } else {
            ctx.pipeToSelf(blobs.fetchArrays(blob), (parts, e) -> new Fetched(worker, lease, s, parts, metrics,
                    Failure.of(e), null, null));
        }
    }

    /** The step committed: every stream into its sum has ended, so the next step may sum into the same array. */
    void committed(StepRun step) {
        spare = step.streams() ? step.currentSum().sum() : null;
    }

    /** A commit is announced: its update is served for the next {@code window} commits, then forgotten. */
    void announced(org.elasticscrl.protocol.WorkerProtocol.Commit commit, int window) {
        replay.addLast(commit);
        while (replay.size() > window) {
            var old = replay.removeFirst().update(); // a sharded commit's means are served (and forgotten) by owners
            if (old != null) {
                blobs.forget(old);
            }
        }
    }

    /**
     * The commits after {@code applied} up to the last one, when every one of them is still served (a replica at
     * {@code applied} catches up by applying them); null when some are gone or none were announced here.
     */
    java.util.List<org.elasticscrl.protocol.WorkerProtocol.Commit> since(long applied, long last) {
        var after = replay.stream().filter(c -> c.step() > applied).toList();
        return !after.isEmpty() && after.get(0).step() == applied + 1 && after.get(after.size() - 1).step() == last
                && after.size() == last - applied ? after : null;
    }

    /** Whether {@code m} still counts: it is of the current step and, if streamed, of its current sum. */
    static boolean counts(StepRun step, Fetched m) {
        return step != null && m.step() == step.step() && (m.into() == null || m.into() == step.currentSum());
    }

    /** Why {@code m}'s contribution cannot be summed (its transfer failed, or the payload is invalid), or null. */
    static Failure failure(Fetched m) {
        if (m.error() != null) {
            return m.error();
        }
        if (m.summer() == null) {
            return null;
        }
        try {
            m.summer().finish();
            return null;
        } catch (IllegalArgumentException e) {
            return new Failure(e.getMessage(), InvalidPayloadException.in(e) != null);
        }
    }

    /** Whether a failed transfer added anything to its sum (then the sum is spoilt). */
    static boolean spoilt(Fetched m) {
        return m.summer() != null && m.summer().added() > 0;
    }

    /**
     * The transfer of {@code failed} spoilt the step's sum: every other accepted contribution streams again
     * into a fresh sum (the caller releases {@code failed}'s chunks).
     */
    void restart(StepRun step, long failed) {
        List<Long> again = step.restart(failed);
        streaming.values().forEach(f -> f.cancel(true)); // they feed the discarded sum
        streaming.clear();
        ctx.getLog().warn("the transfer of lease {} failed after adding to step {}'s sum: summing the step again"
                + " from {} contributions", failed, step.step(), again.size());
        for (long lease : again) {
            start(step, step.workerOf(lease), lease, step.blobOf(lease), step.metricsOf(lease));
        }
    }
}
