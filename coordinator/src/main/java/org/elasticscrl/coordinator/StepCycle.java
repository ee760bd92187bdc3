package org.elasticscrl.coordinator;

import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * The step side of the coordinator: leasing a step's chunks by speed, accepting contributions of current leases,
 * re-leasing on deadline, committing (the mean update with the step's LR, τ and weight decay), the next step, the
 * epoch's tasks and the run's end — inside the coordinator actor, which hands it the step messages.
 */
final class StepCycle {
    private final Coordinator.Setup setup;
    private final ScrlConfig cfg;
    private final ActorContext<Command> ctx;
    private final Membership<WorkerLink> members;
    private final Roster roster;
    private final Leasing leasing;
    private final EpochTasks tasks;
    private RunPlan plan;
    private StepRun step;
    /** How the step in progress is summed. */
    private final StepSums sums;
    /** The run's {gradient, statistics} lengths, pinned by the first commit (null before). */
    private int[] layout;
    private final Replication replication;
    private final DurableCheckpoints durable;
    private final StepTimes times = new StepTimes();
    private final Transfers transfers;
    private final WriteStall stall;
    private final Pause pause = new Pause();
    /** The last committed (announced) step; -1 before the first. */
    private long committed = -1;
    /** Takeovers so far: lease ids and shard sums of one coordinator never collide with an earlier one's. */
    private int generation;
    /** Took over a run: waiting for a replica that holds the last committed step. */
    private boolean resuming;
    /** The state is being replicated; then this runs (the commit's announcement, or the end). */
    private Runnable afterStore;

    StepCycle(Coordinator.Setup setup, ActorContext<Command> ctx, TimerScheduler<Command> timers,
            Membership<WorkerLink> members, Roster roster, Replication replication, CheckpointManifest manifest) {
        this.setup = setup;
        this.replication = replication;
        this.cfg = setup.cfg();
        this.ctx = ctx;
        this.members = members;
        this.roster = roster;
        var c = cfg.cluster();
        this.leasing = new Leasing(cfg, setup.metrics(), timers, members, new Quarantine(c.maxInvalidContributions()));
        this.tasks = new EpochTasks(cfg, members, setup.files(), roster, ctx.getLog());
        this.durable = new DurableCheckpoints(c, manifest, roster);
        this.transfers = new Transfers(ctx, setup.blobs());
        this.stall = new WriteStall(timers, roster);
        this.sums = new StepSums(c, members, leasing, roster, times, transfers, timers);
    }

    DurableCheckpoints durable() {
        return durable;
    }

    DeadlinePolicy deadlines() {
        return leasing.deadlines();
    }

    Quarantine quarantine() {
        return leasing.quarantine();
    }

    /** The run's plan, fixed by the first worker's data; null before. */
    RunPlan plan() {
        return plan;
    }

    void plan(RunPlan p) {
        plan = p;
    }

    /** Whether the run has begun (or was resumed): a worker joining now needs the live state. */
    boolean started() {
        return step != null || tasks.finishing() || resuming || committed >= 0;
    }

    /** The commits a replica at {@code applied} lacks, if all are still served (else null): it applies them. */
    List<WorkerProtocol.Commit> catchUp(long applied) {
        return applied < 0 || applied >= committed ? null : transfers.since(applied, committed);
    }

    /** The last committed step (-1: none): a replica that applied it may go on from its own state. */
    long lastCommitted() {
        return committed;
    }

    boolean resuming() {
        return resuming;
    }

    WriteStall stall() {
        return stall;
    }

    /** What the run waits for while its state is not yet stored by a majority; null when nothing is. */
    String replicationWait() {
        return replication.waitingFor();
    }

    /**
     * Continue from {@code s}: another coordinator's replicated state (a takeover), or a durable checkpoint's
     * (a restart, or no live replica left) — the step under way, if any, is dropped.
     */
    void resume(RunState s) {
        step = null;
        plan = RunPlan.of(cfg, s.datasetSize());
        committed = s.committedStep();
        layout = s.layout() != null ? s.layout() : layout;
        generation = Math.max(generation, s.generation()) + 1; // lease ids never repeat within a coordinator
        leasing.generation(generation);
        sums.generation(generation);
        tasks.sums().restore(s);
        resuming = true;
    }

    /** No replica holds the recorded step (never announced): go on from {@code step}; false: its sums are unknown. */
    boolean rollBack(long step) {
        boolean exact = tasks.sums().rollBack(committed - step);
        committed = step;
        return exact;
    }

    /** A replica holds the last committed step: the epoch's tasks if it ended one, then the next step. */
    void continueResumed() {
        if (!resuming) {
            return;
        }
        resuming = false;
        long next = committed + 1;
        if (next % plan.stepsPerEpoch() == 0) { // the old coordinator may not have seen its tasks through
            endEpoch(plan.epochOf(committed), next == plan.totalSteps());
        }
        if (next < plan.totalSteps()) {
            start(next);
        }
    }

    private RunState state(boolean finished) {
        return new RunState(setup.runId(), committed, members.epoch(), plan.datasetSize(), generation,
                tasks.sums().lossSum(), tasks.sums().samples(), finished, layout == null ? 0 : layout[0],
                layout == null ? 0 : layout[1], tasks.sums().earlier());
    }

    /** The state is replicated on a majority: do what waited for it (not acknowledged: store it again). */
    void stored(Replication.Stored m) {
        if (!m.ok()) {
            replication.retry(m, roster);
            return;
        }
        replication.acknowledged(roster);
        Runnable next = afterStore;
        afterStore = null;
        if (next != null) {
            next.run();
        }
    }

    boolean finishing() {
        return tasks.finishing();
    }

    /** The current global step, or -1. */
    long current() {
        return step == null ? -1 : step.step();
    }

    /** Starts step {@code global}, or holds it while the run is paused. */
    void start(long global) {
        if (pause.holds(global)) {
            roster.event("coordinator", "paused", "step " + global + " waits for resume");
            return;
        }
        times.start(System.nanoTime());
        step = plan.step(global, layout);
        sums.begin();
        for (String id : setup.drainAt().getOrDefault(global, List.of())) {
            roster.drain(id, "scripted at step " + global);
        }
        leasePending();
    }

    /** Pause (true): the step under way commits, the next one waits; resume (false): it starts. */
    void pause(boolean on) {
        setup.metrics().paused(on);
        long s = pause.set(on);
        if (s >= 0) {
            roster.event("coordinator", "resumed", "step " + s);
            start(s);
        }
    }

    boolean paused() {
        return pause.on();
    }

    /** The step in progress (null between steps). */
    StepRun step() {
        return step;
    }

    StepTimes times() {
        return times;
    }

    /** A durable checkpoint now (between steps) or after the step under way; false: nothing committed yet. */
    boolean checkpointNow() {
        return committed >= 0 && durable.now(step == null && !resuming ? state(false) : null, plan, members);
    }

    /** Leases the step's pending chunks to the workers free now, in proportion to their speed. */
    void leasePending() {
        if (step != null && !tasks.finishing()) {
            sums.beforeLeasing(step, layout);
            leasing.leasePending(step);
        }
    }

    void contribution(ContributionReady m) {
        // Only the answer to the sender's outstanding lease frees it and measures its speed: a stray
        // one (an old step's, a copy, another worker's lease) must not touch the leases in flight.
        boolean own = members.get(m.workerId()).filter(w -> w.lease() == m.leaseId()).isPresent();
        if (own) {
            members.leaseDone(m.workerId(), m.metrics().samples(), m.computeSeconds());
            members.get(m.workerId()).ifPresent(w -> setup.metrics().workerSpeed(w.id, w.speed()));
        }
        String why = step == null || m.step() != step.step() ? "step " + m.step() + " is not the current step"
                : step.refusal(m.workerId(), m.leaseId(), m.membershipEpoch(), m.chunks());
        String invalid = why != null ? null : sums.problem(step, m);
        if (why != null) {
            ctx.getLog().info("refused contribution of {} (lease {}, membership epoch {}, step {}): {}",
                    m.workerId(), m.leaseId(), m.membershipEpoch(), m.step(), why);
            roster.event(m.workerId(), "refused-contribution", why);
            if (own && step != null) {
                leasing.release(step, m.leaseId()); // its worker is done with it: what it still holds goes out again
            }
        } else if (invalid != null) {
            leasing.invalid(step, m.workerId(), m.leaseId(), invalid, roster);
        } else {
            leasing.cancel(m.leaseId());
            times.computed(m.leaseId(), m.computeSeconds(), System.nanoTime());
            ready(sums.accepted(step, m));
        }
        leasePending();
    }

    /** What arrives for the step's sums (a transfer here ended, an owner's report or mean, their deadline). */
    void arrived(Command m) {
        ready(summing() ? sums.arrived(step, m) : null);
    }

    private boolean summing() { // not committed: its state neither being stored nor announced
        return step != null && afterStore == null && committed < step.step();
    }

    StepSums sums() { // a new incarnation may own shards again; the owners' links are measured there
        return sums;
    }

    /** A worker left: its shards of the step are summed by others, its contributions that no longer count go out again. */
    void workerLeft(String workerId) {
        if (summing()) {
            sums.workerLeft(workerId);
        }
    }

    private void ready(StepSums.Ready r) { // the step commits when its sums are ready; else what went out again is leased
        if (r != null) {
            commit(r.shards());
        } else {
            leasePending();
        }
    }

    void expired(Leasing.LeaseExpired m) {
        if (step != null && leasing.expired(step, m, roster)) {
            leasePending();
        }
    }

    /** A worker left or died: its lease's chunks go back to pending. */
    void releaseLease(long lease) {
        if (step != null && lease != 0) {
            leasing.release(step, lease);
        }
    }

    /**
     * Every chunk is in: replicate the state after this step, then announce the commit — of the mean summed here
     * ({@code shards} null), or of the shards' means the owners published and their copies (empty: no sample).
     */
    private void commit(ShardLedger.Update shards) {
        StepMetrics metrics = step.metrics();
        long t0 = System.nanoTime();
        StepAggregate.Mean mean = shards == null && step.hasSamples() ? step.mean() : null;
        if (mean != null) {
            layout = mean.lengths().clone();
        }
        BlobRef update = mean == null ? null : setup.blobs().publishScaled(mean.scale(), mean.sums(), mean.lengths());
        transfers.committed(step);
        double aggregation = (System.nanoTime() - t0) / 1e9;
        StepTimes.Split split = times.split(System.nanoTime());
        double seconds = split.total();
        committed = step.step();
        tasks.sums().add(metrics.sslLossSum(), metrics.samples());
        afterStore = () -> {
            setup.metrics().committed(committed, step.epoch(), metrics.sslLoss(), plan.lr().valueAt(committed),
                    plan.tau().valueAt(committed), split, aggregation);
            announce(metrics, update, shards == null ? ShardLedger.Update.NONE : shards, seconds);
        };
        replication.store(state(false));
    }

    /** The commit's record is written (else the run waits for the disk), then the workers are told. */
    private void announce(StepMetrics metrics, BlobRef update, ShardLedger.Update shards, double seconds) {
        long s = step.step();
        double lr = plan.lr().valueAt(s);
        double tau = plan.tau().valueAt(s);
        double wd = cfg.train().optim().weightDecay();
        boolean fresh;
        try {
            fresh = setup.files().commit(s, step.epoch(), step.inEpoch(), members.epoch(), metrics.samples(), lr, tau,
                    wd, metrics.sslLoss(), seconds, step.answers());
        } catch (java.io.IOException e) {
            stall.failed(e, () -> announce(metrics, update, shards, seconds));
            return;
        }
        stall.cleared();
        if (update != null || !shards.means().isEmpty()) {
            var commit = new WorkerProtocol.Commit(s, members.epoch(), lr, tau, wd, metrics.samples(),
                    s % cfg.cluster().checksumInterval() == 0, update, shards.means(), shards.backups());
            members.withStatus(Status.ACTIVE, Status.SYNCING, Status.DRAINING).forEach(w -> w.ref.tell(commit));
            transfers.announced(commit, cfg.cluster().replaySteps());
        }
        if (fresh) {
            setup.files().stepRow(s, step.epoch(), metrics, lr, tau, seconds);
        }
        durable.afterCommit(state(false), step.epoch(), step.inEpoch(), members);
        for (var w : members.withStatus(Status.DRAINING)) {
            if (w.lease() == 0 && !sums.owns(w.id)) { // an owner of this step's means leaves after the next step
                roster.release(w.id, "drained");
            }
        }
        long next = s + 1;
        int epoch = step.epoch();
        step = null;
        if (next % plan.stepsPerEpoch() == 0) {
            endEpoch(epoch, next == plan.totalSteps());
        }
        if (next < plan.totalSteps()) {
            start(next);
        }
    }

    private void endEpoch(int epoch, boolean last) {
        if (tasks.end(epoch, last)) {
            finish();
        }
    }

    void taskCompleted(TaskCompleted m) {
        if (tasks.completed(m)) {
            finish();
        } else {
            leasePending();
        }
    }

    /** A departing worker's unfinished tasks go to another active worker. */
    void reassignTasks(String workerId) {
        tasks.reassign(workerId, step == null ? cfg.train().maxEpochs() : Math.max(1, step.epoch() - 1));
    }

    private void finish() {
        long steps = plan.totalSteps();
        setup.files().finish(Json.results(setup.runId(), steps, setup.files().metrics(), tasks.finalEval()));
        for (var w : members.all()) {
            w.ref.tell(new WorkerProtocol.Release("run complete"));
        }
        ctx.getLog().info("run {} complete: {} steps", setup.runId(), steps);
        // standby coordinators learn from the replicated state that there is nothing to take over
        afterStore = () -> setup.onFinished().accept(new Coordinator.Finished(steps, tasks.finalEval()));
        replication.store(state(true));
    }
}
