package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointLoaded;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointSaved;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.StateChecksum;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * The coordinator of a run (one per cluster, a singleton). This side handles membership: workers
 * register, build their replica and start from the initial state, or — joining a running run —
 * load a live peer's state (never the coordinator's: it holds none) and catch up; they drain,
 * leave or die. The step side ({@link StepCycle}) leases chunks, commits steps and drives the
 * epoch's tasks. Decisions come from pure objects ({@link Membership}, {@link ChunkLedger},
 * {@link LeasePlanner}, {@link DeadlinePolicy}, {@link RunPlan}); these classes turn them into
 * messages. No DJL.
 */
public final class Coordinator extends AbstractBehavior<Command> implements Roster {
    /** How the run ended: the final evaluation's JSON (empty when not run). */
    public record Finished(long steps, String finalEval, String error) {
        public Finished(long steps, String finalEval) {
            this(steps, finalEval, "");
        }
    }

    /**
     * What a coordinator is given: the run's configuration (and its YAML, handed to every
     * worker), id and files, this node's tensor transport, scripted drains (step → worker ids or
     * join-order indices), what to call when the run is over, and the cluster secret workers
     * must prove they hold.
     */
    public record Setup(ScrlConfig cfg, String configYaml, String runId, RunFiles files, Tensors blobs,
            Map<Long, List<String>> drainAt, Consumer<Finished> onFinished, ClusterSecret secret,
            ClusterMetrics metrics) {
        /** A cluster without a secret; metrics kept, not exported. */
        public Setup(ScrlConfig cfg, String configYaml, String runId, RunFiles files, Tensors blobs,
                Map<Long, List<String>> drainAt, Consumer<Finished> onFinished) {
            this(cfg, configYaml, runId, files, blobs, drainAt, onFinished, ClusterSecret.NONE, new ClusterMetrics());
        }
    }

    /** A worker's actor stopped: {@code ref}'s, which may be an earlier JVM of a worker registered again since. */
    private record WorkerGone(String workerId, ActorRef<WorkerProtocol.Command> ref) implements Command {}

    /** A cluster member stopped (or resumed) answering heartbeats. */
    /** Members this node stopped (false) or resumed (true) hearing, or downed. */
    private record Reachability(Map<Address, Boolean> changes) implements Command {}

    private final Setup setup;
    private final ScrlConfig cfg;
    private final Membership<WorkerLink> members;
    private final StepCycle steps;
    private final ChecksumBook checksums;
    private final Registrations registrations;
    private final StateSync sync;
    private final Operators operators;
    private final Departures departed;
    private final Receive<Command> fromWorkers = workerMessages();
    /** Downs members that prove no cluster secret. */
    private final Gatekeeper gate;

    /** Set when this coordinator took over a run another one was running. */
    private Takeover takeover;

    /** The coordinator of a run, supervised ({@link CoordinatorSupervisor}). */
    public static Behavior<Command> create(Setup setup) {
        return create(setup, () -> true);
    }

    /**
     * While {@code majorityReachable} is false (a fault injected: {@code scrl coordinator --cut-off-while}), stores
     * of the run state fail as if this node were cut off from the other coordinator nodes.
     */
    public static Behavior<Command> create(Setup setup, java.util.function.BooleanSupplier majorityReachable) {
        return CoordinatorSupervisor.supervise(setup, running(setup, majorityReachable));
    }

    /** The coordinator first reads the replicated run state ({@link StateRead}), then runs or takes over the run. */
    private static Behavior<Command> running(Setup setup, java.util.function.BooleanSupplier majorityReachable) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000, stash ->
                StateRead.reading(ctx, stash, Replication.of(ctx, Duration.ofSeconds(3), majorityReachable), setup,
                        (replication, state) -> new Coordinator(ctx, timers, setup, replication, state,
                                Restart.manifest(setup))))));
    }

    private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup, Replication replication,
            RunState previous, CheckpointManifest manifest) {
        super(ctx);
        ctx.setLoggerName(Coordinator.class);
        this.setup = setup;
        this.cfg = setup.cfg();
        this.members = new Membership<>(cfg.cluster().speedEwma());
        this.steps = new StepCycle(setup, ctx, timers, members, this, replication, manifest);
        this.checksums = new ChecksumBook(2 * cfg.cluster().replaySteps());
        this.sync = new StateSync(members, steps, this, timers, checksums);
        this.departed = new Departures(this, Departures.downing(ctx));
        this.registrations = new Registrations(setup, members, steps, departed, this);
        this.operators = new Operators(setup, members, steps, this, registrations.admission().crashLoops());
        this.gate = Gatekeeper.of(ctx, timers, setup.secret().isSet(), this);
        registrations.onProven(gate::proven);
        boolean ours = previous != null && previous.runId().equals(setup.runId()); // else refused if not finished
        if (ours && previous.finished()) {
            ctx.getLog().info("run {} already complete ({} steps): nothing to take over", previous.runId(),
                    previous.committedStep() + 1);
            setup.onFinished().accept(new Finished(previous.committedStep() + 1, ""));
        } else if (ours) {
            steps.resume(previous);
            members.continueAfter(previous.membershipEpoch());
            takeover = new Takeover(ctx, timers, setup.secret());
            event("coordinator", "took-over", "run state after step " + previous.committedStep() + ", generation "
                    + (previous.generation() + 1) + "; asking the workers to register again");
        } else {
            sync.restartIfRecorded(manifest, setup.onFinished());
        }
        Departures.subscribe(ctx, Reachability::new);
        ctx.getLog().info("coordinator of run {} up: {} chunks of {} per step, {}", setup.runId(),
                cfg.train().chunksPerStep(), cfg.train().chunkSize(), steps.deadlines());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RegisterWorker.class, m -> then(() -> registrations.register(m, getContext(), this::gone,
                        WorkerGone::new)))
                .onMessage(Sealed.class, m -> {
                    Command inner = registrations.open(m, departed::session, getContext());
                    return inner == null ? this : fromWorkers.receive(getContext(), inner);
                })
                .onMessage(Transfers.Fetched.class, m -> then(() -> steps.arrived(m)))
                .onMessage(StepSums.SumsDue.class, m -> then(() -> steps.arrived(m)))
                .onMessage(Leasing.LeaseExpired.class, m -> then(() -> steps.expired(m)))
                .onMessage(WorkerGone.class, m -> members.get(m.workerId()).filter(w -> w.ref.ref().equals(m.ref())).isPresent()
                        ? gone(m.workerId(), "terminated") : this)
                .onMessage(Reachability.class, this::onReachability)
                .onMessage(Replication.Stored.class, m -> then(() -> steps.stored(m)))
                .onMessage(WriteStall.Retry.class, m -> then(() -> steps.stall().retry()))
                .onMessage(StateSync.OrphanCheck.class, m -> then(sync::orphanCheck))
                .onMessage(Takeover.Listed.class, m -> then(() -> {
                    if (takeover != null) {
                        takeover.listed(m, members);
                    }
                }))
                .onMessage(Takeover.GraceOver.class, m -> then(() -> {
                    if (takeover != null) {
                        takeover.graceOver(members, steps, sync, this);
                    }
                }))
                .onMessage(Query.class, m -> then(() -> registrations.admission().ifAdmitted(m, getContext(), q -> {
                    registrations.proven(q.replyTo().path().address());
                    operators.answer(q);
                })))
                .onMessage(Gatekeeper.Joined.class, m -> then(() -> gate.joined(m)))
                .onMessage(Gatekeeper.Removed.class, m -> then(() -> gate.removed(m)))
                .onMessage(Gatekeeper.Check.class, m -> then(gate::check))
                .onMessage(Command.class, m -> then(() -> registrations.unsealed(m, getContext())))
                .build();
    }

    /** What a worker says about itself: acted on only as it arrives in the worker's session. */
    private Receive<Command> workerMessages() {
        return newReceiveBuilder()
                .onMessage(WorkerReady.class, this::onReady)
                .onMessage(StateOffered.class, m -> then(() -> sync.offered(m)))
                .onMessage(SyncCompleted.class, m -> then(() -> sync.completed(m)))
                .onMessage(StateChecksum.class, m -> then(() -> {
                    if (isMember(m.workerId(), "checksum of its state")) {
                        sync.answered(m);
                    }
                }))
                .onMessage(ContributionReady.class, m -> then(() -> {
                    if (isMember(m.workerId(), "contribution for step " + m.step())) {
                        registrations.admission().crashLoops().contributed(m.workerId());
                        operators.heard(m.workerId(), m.step(), 0);
                        steps.contribution(m);
                    }
                }))
                .onMessage(ShardAdded.class, m -> then(() -> {
                    if (isMember(m.workerId(), "shard " + m.shard() + " of step " + m.step())) {
                        steps.arrived(m);
                    }
                }))
                .onMessage(ShardSealed.class, m -> then(() -> {
                    if (isMember(m.workerId(), "mean of shard " + m.shard() + " of step " + m.step())) {
                        steps.arrived(m);
                    }
                }))
                .onMessage(ShardMeanCopied.class, m -> then(() -> {
                    if (isMember(m.workerId(), "copy of shard " + m.shard() + " of step " + m.step())) {
                        steps.arrived(m);
                    }
                }))
                .onMessage(TaskCompleted.class, m -> then(() -> {
                    if (isMember(m.workerId(), "task " + m.task())) {
                        steps.taskCompleted(m);
                    }
                }))
                .onMessage(UpdateApplied.class, this::onUpdateApplied)
                .onMessage(WorkerFailed.class, this::onWorkerFailed)
                .onMessage(CheckpointSaved.class, m -> then(() -> {
                    if (isMember(m.workerId(), "checkpoint of step " + m.step())) {
                        steps.durable().saved(m, members.get(m.workerId()).orElseThrow().ref.path().address().toString());
                    }
                }))
                .onMessage(CheckpointLoaded.class, m -> then(() -> sync.loaded(m)))
                .build();
    }

    private Behavior<Command> then(Runnable r) {
        r.run();
        return this;
    }

    /**
     * A member unreachable is excluded at once (its chunks are leased again, I5); one that comes
     * back after being excluded is told to resynchronise before it sends anything stale.
     */
    private Behavior<Command> onReachability(Reachability m) {
        m.changes().forEach((address, reachable) -> {
            if (!reachable) {
                departed.unreachable(address);
                members.all().stream().filter(w -> w.ref.path().address().equals(address)).map(w -> w.id).toList()
                        .forEach(id -> gone(id, "unreachable or downed"));
            } else {
                departed.reachableAgain(address, id -> members.get(id).isPresent());
            }
        });
        return this;
    }

    /** Whether {@code workerId} is a member; a departed (frozen, cut off) worker is refused and told to resync. */
    private boolean isMember(String workerId, String what) {
        if (members.get(workerId).isPresent()) {
            return true;
        }
        departed.refuse(workerId, what);
        return false;
    }

    private Behavior<Command> onReady(WorkerReady m) {
        var w = members.get(m.workerId()).orElse(null);
        if (w == null || w.status() != Status.PREPARING) {
            return this;
        }
        if (steps.plan() == null) {
            steps.plan(RunPlan.of(cfg, m.datasetSize()));
        } else if (steps.plan().datasetSize() != m.datasetSize()) {
            w.ref.tell(new WorkerProtocol.Refused("its training data has " + m.datasetSize()
                    + " samples, the run's has " + steps.plan().datasetSize()));
            members.remove(m.workerId());
            event(m.workerId(), "refused", "dataset size " + m.datasetSize());
            return this;
        }
        var missing = steps.resuming() ? null : steps.catchUp(m.appliedStep()); // commits it lacks, still served
        if (m.appliedStep() >= 0 && (missing != null || m.appliedStep() == steps.lastCommitted()) && !steps.resuming()) {
            // registering again with its own replica, at the last commit or a few before: reused if it is the run's
            sync.returned(w.id, m.appliedStep(), m.checksum());
        } else if (m.appliedStep() == steps.lastCommitted()) {
            // the seeded initial state, or — a coordinator taking over or restarting — the state it resumes from
            sync.activate(w.id, m.appliedStep(), m.appliedStep() < 0 ? "initial replica"
                    : "own replica at step " + m.appliedStep());
            if (steps.resuming()) {
                steps.continueResumed();
            } else if (!steps.started() && members.withStatus(Status.ACTIVE).size() >= cfg.cluster().minWorkers()) {
                steps.start(0);
            } else {
                steps.leasePending();
            }
        } else if (takeover != null && steps.resuming() && m.appliedStep() > steps.lastCommitted()) {
            members.setStatus(m.workerId(), Status.SYNCING);
            takeover.ahead(m.workerId(), m.appliedStep(), steps.lastCommitted(), this);
        } else {
            members.setStatus(m.workerId(), Status.SYNCING);
            if (takeover != null) {
                takeover.ready(w.id, m.appliedStep());
            }
            sync.request(m.workerId());
        }
        return this;
    }

    /** A replica's checksum: one that differs from a majority's is resynchronised from a majority holder (I1). */
    private Behavior<Command> onUpdateApplied(UpdateApplied m) {
        operators.heard(m.workerId(), m.step(), m.checksum());
        if (members.get(m.workerId()).isPresent()) {
            setup.files().traffic(m.step(), m.workerId(), m.bytesSent(), m.bytesReceived(), setup.blobs());
            steps.sums().linkTotals(m.workerId(), m.bytesSent(), m.bytesReceived(), m.sendingNanos(), m.receivingNanos());
        }
        if (m.checksum() != 0 && isMember(m.workerId(), "checksum of step " + m.step())) {
            setup.files().checksum(m.step(), m.workerId(), m.checksum());
            var d = checksums.record(m.step(), m.workerId(), m.checksum(),
                    members.withStatus(Status.ACTIVE, Status.DRAINING, Status.SYNCING).size());
            if (d != null) {
                getContext().getLog().error("replicas disagree after step {}: {}", m.step(), d.all());
                event(m.workerId(), "checksum-mismatch", "step " + m.step() + " " + d.all() + (d.offMajority().isEmpty()
                        ? "; no majority yet" : "; resynchronising " + d.offMajority() + " from a majority holder"));
                for (String id : d.offMajority()) {
                    var link = members.get(id).map(w -> w.ref);
                    gone(id, "its state after step " + m.step() + " differs from the majority's");
                    link.ifPresent(l -> l.tell(new WorkerProtocol.Resync("state differs from the majority's after step "
                            + m.step())));
                }
            }
        }
        return this;
    }

    private Behavior<Command> onWorkerFailed(WorkerFailed m) {
        event(m.workerId(), "failed", m.what() + ": " + m.reason());
        return gone(m.workerId(), "failed " + m.what());
    }

    /** Graceful leave: no more leases; released once its leased chunks are in. */
    @Override
    public void drain(String spec, String why) {
        String workerId = registrations.byJoinOrder(spec);
        var w = members.get(workerId).filter(x -> x.status() == Status.ACTIVE).orElse(null);
        if (w == null) {
            return;
        }
        if (members.withStatus(Status.ACTIVE).size() == 1) {
            event(workerId, "drain-refused", why + ": it is the last active worker; the run would stop");
            return;
        }
        members.setStatus(w.id, Status.DRAINING);
        event(w.id, "draining", why);
        if (w.lease() == 0) {
            release(w.id, "drained");
        }
    }

    @Override
    public void release(String workerId, String reason) {
        members.get(workerId).ifPresent(w -> w.ref.tell(new WorkerProtocol.Release(reason)));
        members.remove(workerId);
        setup.metrics().workerGone(workerId);
        event(workerId, "left", reason);
        steps.workerLeft(workerId);
        sync.left(workerId);
        steps.reassignTasks(workerId);
    }

    private Behavior<Command> gone(String workerId, String why) {
        if (members.get(workerId).isEmpty()) {
            return this;
        }
        departed.add(workerId, members.get(workerId).orElseThrow().ref);
        long lease = members.remove(workerId);
        setup.metrics().workerGone(workerId);
        event(workerId, "gone", why);
        steps.releaseLease(lease);
        steps.workerLeft(workerId);
        sync.left(workerId);
        steps.reassignTasks(workerId);
        steps.leasePending();
        return this;
    }

    @Override
    public void event(String worker, String what, String detail) {
        long s = steps.current();
        setup.files().event(s, members.epoch(), worker, what, detail);
        operators.event(s, worker, what, detail);
        if (List.of("registered", "active", "gone", "left", "failed").contains(what)) {
            setup.metrics().membershipChanged();
        }
        getContext().getLog().info("[step {}] {} {}: {}", s, worker, what, detail);
    }
}
