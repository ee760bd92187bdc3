package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ClusterConfig;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.tensor.InvalidPayloadException;

/**
 * How the step in progress is summed: here, from the contributions streamed in or fetched ({@link Transfers}), or by
 * the workers ({@link ShardedSums}: cluster.aggregation = sharded, from the step after the one that taught the
 * coordinator the contributions' layout). Turns what arrives into the one decision the step cycle needs: the step may
 * commit, and with which update — or not yet.
 */
final class StepSums {
    /** The step may commit: the mean summed here ({@code shards} null), or the shards' means (empty: no sample). */
    record Ready(ShardLedger.Update shards) {}

    /** Step {@code step}'s sharded sums were due (every chunk was in {@link #dueSeconds()} ago). */
    record SumsDue(long step) implements Command {}

    private final ClusterConfig cluster;
    private final Membership<WorkerLink> members;
    private final Leasing leasing;
    private final Roster roster;
    private final StepTimes times;
    private final Transfers transfers;
    private ShardedSums shards;
    private final TimerScheduler<Command> timers;
    private final DeadlinePolicy deadlines;
    /** Owners whose sums stalled: given no shard again until they register anew (a new incarnation). */
    private final java.util.Set<String> stalled = new java.util.HashSet<>();
    /** The workers' links as measured (cluster.shard_shares = measured), or null: equal shares. */
    private final LinkSpeeds links;
    private final ShardedSums.Owners owners;
    /**
     * Where this coordinator numbers a step's shard sums from: above every number an earlier coordinator of the run
     * used (as lease ids: {@link #generation}). An owner may still hold such a coordinator's sum of the step now summed
     * again — cut by another plan — and must never take it for one of these (seen after a takeover: every add into the
     * first owner refused as "has 69632 elements, not 213106", the step stuck).
     */
    private int firstGeneration;
    /** The owners and bounds of the last sharded step, as told to the operator. */
    private String lastOwners;
    /** Orders sent when the owners' deadline last started (it runs from the last order, once every chunk is in). */
    private int ordersTimed = -1;

    StepSums(ClusterConfig cluster, Membership<WorkerLink> members, Leasing leasing, Roster roster, StepTimes times,
            Transfers transfers, TimerScheduler<Command> timers) {
        this.cluster = cluster;
        this.timers = timers;
        this.links = cluster.measuredShares() ? new LinkSpeeds() : null;
        this.owners = new ShardedSums.Owners(stalled::contains, links);
        this.deadlines = leasing.deadlines();
        this.members = members;
        this.leasing = leasing;
        this.roster = roster;
        this.times = times;
        this.transfers = transfers;
    }

    /**
     * This coordinator continues the run as its {@code coordinatorGeneration}-th (a takeover, restart or fallback):
     * its shard sums are numbered in a band of 2^16 of their own (a step's sums are renumbered only when discarded,
     * a handful of times at most).
     */
    void generation(int coordinatorGeneration) {
        firstGeneration = Math.multiplyExact(coordinatorGeneration, 1 << 16);
    }

    /** A new step: summed here until {@link #beforeLeasing} shards it. */
    void begin() {
        shards = null;
        timers.cancel(DUE);
        ordersTimed = -1;
    }

    private static final String DUE = "sharded-sums-due";

    /**
     * Before the step's chunks are leased: sharded sums once the layout ({gradient, statistics} lengths) is known —
     * chosen before the first lease, over the owners there are then, or afresh when the last ones were abandoned.
     */
    void beforeLeasing(StepRun step, int[] layout) {
        if (cluster.sharded() && layout != null && (shards == null ? step.untouched() : shards.abandoned())) {
            timers.cancel(DUE);
            int generation = shards == null ? firstGeneration : shards.nextGeneration();
            shards = ShardedSums.of(step, layout[0] + layout[1], generation, members, leasing, roster, owners);
            String bounds = shards == null ? null : shards.describe();
            if (bounds != null && !bounds.equals(lastOwners)) { // told when the owners change, not every step
                roster.event("coordinator", "shards", "from step " + step.step() + ": " + bounds
                        + shards.measuredLinks());
                lastOwners = bounds;
            }
        }
    }

    /** Why an answer to a current lease cannot count (the sender's fault), or null. */
    String problem(StepRun step, ContributionReady m) {
        return ContributionCheck.problem(m.metrics(), step.samples(m.chunks()), m.blob(), m.slices(),
                shards == null ? 0 : shards.shards());
    }

    /** An accepted contribution: brought in here, or its slices to its owners. */
    Ready accepted(StepRun step, ContributionReady m) {
        if (shards == null) {
            transfers.start(step, m.workerId(), m.leaseId(), m.blob(), m.metrics());
            return null;
        }
        shards.accepted(m);
        return sealWhenSummed(step);
    }

    /**
     * What arrived for {@code step}'s sums: a {@link Transfers.Fetched}, a {@link ShardAdded}, a {@link ShardSealed}, a
     * {@link ShardMeanCopied} or a {@link SumsDue}.
     */
    Ready arrived(StepRun step, Command m) {
        return m instanceof Transfers.Fetched f ? fetched(step, f) : m instanceof ShardAdded a ? shardAdded(step, a)
                : m instanceof ShardSealed s ? sealedOrCopied(step, s.step(), () -> shards.sealed(s))
                : m instanceof ShardMeanCopied c ? sealedOrCopied(step, c.step(), () -> shards.copied(c))
                : m instanceof SumsDue d ? due(step, d) : null;
    }

    /**
     * How long the owners may take to make the sums whole and publish their means once every chunk is in: summing
     * a step's slices takes far less than computing them, so this many times the shortest lease deadline means an
     * owner that is alive but makes no progress (one that is gone is excluded sooner, by the cluster).
     */
    double dueSeconds() {
        return deadlines.floorSeconds() * deadlines.factor();
    }

    /** The sums were due: the owners still owing an add or a mean stalled — their shards go to the others. */
    private Ready due(StepRun step, SumsDue m) {
        if (shards == null || shards.abandoned() || m.step() != step.step() || !allIn(step)) {
            return null;
        }
        for (String owner : shards.owing()) {
            stall(owner, "its sums of step " + step.step() + " were due " + dueSeconds() + " s after the last chunk was"
                    + " in");
        }
        return sealWhenSummed(step);
    }

    /** {@code owner} cannot sum ({@code why}): its shards go to the others, and it owns none until it registers anew. */
    private void stall(String owner, String why) {
        stalled.add(owner);
        roster.event(owner, "shards-stalled", why + "; summed again by the others, and it owns no shard again until it"
                + " registers anew");
        workerLeft(owner);
    }

    /** Worker {@code id} registered anew: it may own shards again, and its link is measured afresh. */
    void registered(String id) {
        stalled.remove(id);
        if (links != null) {
            links.forget(id);
        }
    }

    /** Worker {@code id}'s link totals after a commit (bytes and busy time each way, so far). */
    void linkTotals(String id, long sent, long received, long sendingNanos, long receivingNanos) {
        if (links != null) {
            links.applied(id, sent, received, sendingNanos, receivingNanos);
        }
    }

    /** A contribution's transfer into the sum here ended. */
    private Ready fetched(StepRun step, Transfers.Fetched m) {
        if (!Transfers.counts(step, m)) {
            return null;
        }
        times.fetched(m.lease(), System.nanoTime());
        Transfers.Failure failure = Transfers.failure(m);
        if (failure == null) {
            try {
                step.add(m.lease(), m.parts(), m.metrics());
            } catch (IllegalArgumentException e) { // its arrays do not fit the lease or the step: nothing was added
                failure = new Transfers.Failure(e.getMessage(), e instanceof InvalidPayloadException);
            }
        }
        if (failure != null) {
            if (Transfers.spoilt(m)) {
                transfers.restart(step, m.lease());
            }
            if (failure.invalid()) {
                leasing.invalid(step, m.workerId(), m.lease(), failure.why(), roster);
            } else {
                roster.event(m.workerId(), "transfer-failed", failure.why());
                leasing.release(step, m.lease());
            }
            return null;
        }
        leasing.quarantine().valid(m.workerId());
        return step.ledger().isComplete() ? new Ready(null) : null;
    }

    /** An owner's report on a slice. */
    private Ready shardAdded(StepRun step, ShardAdded m) {
        if (shards == null || m.step() != step.step()) {
            return null;
        }
        String ownFault = shards.added(m);
        if (ownFault != null) {
            stall(m.workerId(), ownFault + " in step " + step.step());
            if (shards == null || shards.abandoned()) {
                return null; // no owner left: the step's chunks are leased again for new sums
            }
        }
        return sealWhenSummed(step);
    }

    /** An owner published its shard's mean, or a holder copied one: ready once every shard's is, and copied. */
    private Ready sealedOrCopied(StepRun step, long of, java.util.function.Supplier<ShardLedger.Update> taken) {
        if (shards == null || of != step.step()) {
            return null;
        }
        ShardLedger.Update update = taken.get();
        timeOwners(step); // a copy ordered restarts the owners' deadline
        return update == null || !step.ledger().isComplete() || !shards.summed() ? null : new Ready(update);
    }

    /** A worker left: its shards are summed again by others (or, none left, the sums start afresh). */
    void workerLeft(String workerId) {
        if (shards != null && !shards.left(workerId)) {
            shards.abandon();
            timers.cancel(DUE);
        }
    }

    /** Every chunk is in and every shard's sum whole: the owners publish their means (ready at once without samples). */
    private Ready sealWhenSummed(StepRun step) {
        var chunks = step.ledger();
        if (!allIn(step)) {
            timers.cancel(DUE); // chunks out again: the owners' deadline starts once they are back
            ordersTimed = -1;
        }
        if (!chunks.isComplete() || !shards.summed()) {
            timeOwners(step);
            return null;
        }
        int samples = step.metrics().samples();
        if (samples == 0) {
            return new Ready(ShardLedger.Update.NONE);
        }
        shards.seal(1f / samples);
        timeOwners(step);
        return null;
    }

    /** Every chunk's contribution is in: the owners have {@link #dueSeconds()} from the last order sent to them. */
    private void timeOwners(StepRun step) {
        if (allIn(step) && !shards.abandoned() && shards.orders() != ordersTimed) {
            ordersTimed = shards.orders();
            timers.startSingleTimer(DUE, new SumsDue(step.step()), Duration.ofMillis((long) (dueSeconds() * 1000)));
        }
    }

    private static boolean allIn(StepRun step) {
        return step.ledger().pending().isEmpty() && step.ledger().inState(ChunkLedger.State.LEASED).isEmpty();
    }

    /** Whether {@code worker} owns a shard of the step in progress (a draining one then leaves only after it). */
    boolean owns(String worker) {
        return shards != null && !shards.abandoned() && shards.owns(worker);
    }
}
