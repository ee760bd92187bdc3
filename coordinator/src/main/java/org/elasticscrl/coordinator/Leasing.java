package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Gives a step's pending chunks to the workers free now, in proportion to their speed and within their
 * memory, each lease with its deadline timer. Quarantined workers get nothing; a worker whose contribution
 * to this step failed validation gets nothing while another worker could take its chunks.
 */
final class Leasing {
    /** A lease's deadline passed. */
    record LeaseExpired(long lease, long step) implements Command {}

    private final ScrlConfig cfg;
    private final ClusterMetrics metrics;
    private final TimerScheduler<Command> timers;
    private final Membership<WorkerLink> members;
    private final DeadlinePolicy deadlines;
    private final Quarantine quarantine;
    private long nextLease = 1;

    Leasing(ScrlConfig cfg, ClusterMetrics metrics, TimerScheduler<Command> timers, Membership<WorkerLink> members,
            Quarantine quarantine) {
        this.cfg = cfg;
        this.metrics = metrics;
        this.timers = timers;
        this.members = members;
        this.quarantine = quarantine;
        var c = cfg.cluster();
        this.deadlines = new DeadlinePolicy(c.deadlineFloorS(), c.deadlineCapS(), c.deadlineFactor());
    }

    DeadlinePolicy deadlines() {
        return deadlines;
    }

    Quarantine quarantine() {
        return quarantine;
    }

    /** Lease ids of one coordinator never collide with an earlier one's: each takeover has its own range. */
    void generation(int generation) {
        nextLease = ((long) generation << 40) + 1;
    }

    void cancel(long lease) {
        timers.cancel(lease);
    }

    /** {@code lease} ends unanswered (its worker left, or is done with it): its chunks are pending again (how many). */
    int release(StepRun step, long lease) {
        timers.cancel(lease);
        int released = step.ledger().release(lease).size();
        metrics.released(released);
        return released;
    }

    /** A lease's deadline passed: true if it still held chunks of {@code step}, now pending again. */
    boolean expired(StepRun step, LeaseExpired m, Roster roster) {
        int released = m.step() == step.step() ? step.ledger().release(m.lease()).size() : 0;
        if (released > 0) {
            metrics.released(released);
            roster.event(step.workerOf(m.lease()), "deadline-missed", "lease " + m.lease() + " re-leased");
        }
        return released > 0;
    }

    /** Leases {@code step}'s pending chunks to the workers that may take them now. */
    void leasePending(StepRun step) {
        List<Integer> pending = step.ledger().pending();
        if (pending.isEmpty()) {
            return;
        }
        long chunkBytes = cfg.cluster().memoryPerChunkMb() * (1L << 20);
        List<LeasePlanner.Candidate> candidates = eligible(step.step()).stream()
                .map(w -> new LeasePlanner.Candidate(w.id, w.speed(), (int) Math.max(1, w.memoryBytes / chunkBytes),
                        LeasePlanner.measureDue(w.lastLeasedStep(), step.step())))
                .toList();
        // workers computing a lease of this step now take their share of what is pending when they are done; not
        // one whose lease expired or was released (it may never answer)
        List<Long> computing = step.ledger().leases(ChunkLedger.State.LEASED);
        List<LeasePlanner.Candidate> busy = members.withStatus(Status.ACTIVE).stream()
                .filter(w -> w.lease() != 0 && computing.contains(w.lease()) && !quarantine.preferNot(w.id, step.step()))
                .map(w -> new LeasePlanner.Candidate(w.id, w.speed(), (int) Math.max(1, w.memoryBytes / chunkBytes)))
                .toList();
        int from = 0;
        for (Map.Entry<String, Integer> e : LeasePlanner.splitNow(pending.size(), candidates, busy).entrySet()) {
            List<Integer> chunks = pending.subList(from, from + e.getValue());
            from += e.getValue();
            var w = members.get(e.getKey()).orElseThrow();
            long lease = nextLease++;
            long millis = (long) (deadlines.seconds(step.samples(chunks), w.speed()) * 1000);
            step.lease(lease, w.id, members.epoch(), chunks);
            members.leased(w.id, lease, step.step());
            w.ref.tell(new WorkerProtocol.Lease(lease, members.epoch(), step.step(), step.epoch(), List.copyOf(chunks),
                    System.currentTimeMillis() + millis, step.shardCuts()));
            timers.startSingleTimer(lease, new LeaseExpired(lease, step.step()), Duration.ofMillis(millis));
        }
    }

    /**
     * The contribution of {@code lease} failed validation: nothing of it counts, its chunks are pending
     * again, and its worker is excluded for the step — quarantined when it keeps failing.
     */
    void invalid(StepRun step, String worker, long lease, String why, Roster roster) {
        int released = release(step, lease);
        roster.event(worker, "invalid-contribution", "lease " + lease + " of step " + step.step() + ": " + why
                + "; its " + released + " chunks leased again");
        if (quarantine.invalid(worker, step.step(), why)) {
            roster.event(worker, "quarantined", quarantine.reason(worker)
                    + "; no more leases until an operator re-admits it (scrl admit " + worker + ")");
        }
    }

    /**
     * The free workers that may take chunks of {@code step}: never a quarantined one; one that failed this
     * step only when every other active worker failed it too (a lone worker's transient fault must not stall
     * the run; quarantine ends its retries).
     */
    private List<Membership.Worker<WorkerLink>> eligible(long step) {
        List<Membership.Worker<WorkerLink>> free = members.available();
        boolean anotherCould = members.withStatus(Status.ACTIVE).stream().anyMatch(w -> !quarantine.preferNot(w.id, step));
        return free.stream().filter(w -> anotherCould ? !quarantine.preferNot(w.id, step) : !quarantine.quarantined(w.id))
                .toList();
    }
}
