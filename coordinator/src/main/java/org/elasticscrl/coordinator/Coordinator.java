package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.DrainWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady;
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
public final class Coordinator extends AbstractBehavior<Command> implements StepCycle.Roster {
    /** How the run ended: the final evaluation's JSON (empty when not run). */
    public record Finished(long steps, String finalEval) {}

    /**
     * What a coordinator is given: the run's configuration (and its YAML, handed to every
     * worker), id and files, this node's tensor transport, scripted drains (step → worker ids or
     * join-order indices), what to call when the run is over, and the cluster secret workers
     * must prove they hold.
     */
    public record Setup(ScrlConfig cfg, String configYaml, String runId, RunFiles files, Tensors blobs,
            Map<Long, List<String>> drainAt, Consumer<Finished> onFinished, ClusterSecret secret) {
        /** A cluster without a secret. */
        public Setup(ScrlConfig cfg, String configYaml, String runId, RunFiles files, Tensors blobs,
                Map<Long, List<String>> drainAt, Consumer<Finished> onFinished) {
            this(cfg, configYaml, runId, files, blobs, drainAt, onFinished, ClusterSecret.NONE);
        }
    }

    private record WorkerGone(String workerId) implements Command {}

    private final Setup setup;
    private final ScrlConfig cfg;
    private final Membership<ActorRef<WorkerProtocol.Command>> members;
    private final StepCycle steps;
    private final ChecksumBook checksums;
    private final Admission admission;
    private final List<String> joinOrder = new ArrayList<>();
    /** Joiner → the peer it copies its state from ("" while none is available). */
    private final Map<String, String> syncSources = new HashMap<>();

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, setup)));
    }

    private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
        super(ctx);
        ctx.setLoggerName(Coordinator.class);
        this.setup = setup;
        this.cfg = setup.cfg();
        this.members = new Membership<>(cfg.cluster().speedEwma());
        this.steps = new StepCycle(setup, ctx, timers, members, this);
        this.checksums = new ChecksumBook(2 * cfg.cluster().replaySteps());
        this.admission = new Admission(setup.secret());
        ctx.getLog().info("coordinator of run {} up: {} chunks of {} per step, {}", setup.runId(),
                cfg.train().chunksPerStep(), cfg.train().chunkSize(), steps.deadlines());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RegisterWorker.class, this::onRegister)
                .onMessage(WorkerReady.class, this::onReady)
                .onMessage(StateOffered.class, this::onStateOffered)
                .onMessage(SyncCompleted.class, this::onSyncCompleted)
                .onMessage(ContributionReady.class, m -> then(() -> steps.contribution(m)))
                .onMessage(StepCycle.Fetched.class, m -> then(() -> steps.fetched(m)))
                .onMessage(StepCycle.LeaseExpired.class, m -> then(() -> steps.expired(m)))
                .onMessage(TaskCompleted.class, m -> then(() -> steps.taskCompleted(m)))
                .onMessage(UpdateApplied.class, this::onUpdateApplied)
                .onMessage(WorkerFailed.class, this::onWorkerFailed)
                .onMessage(DrainWorker.class, m -> then(() -> drain(m.workerId(), "requested")))
                .onMessage(WorkerGone.class, m -> gone(m.workerId(), "terminated"))
                .build();
    }

    private Behavior<Command> then(Runnable r) {
        r.run();
        return this;
    }

    private Behavior<Command> onRegister(RegisterWorker m) {
        String ref = ActorRefResolver.get(getContext().getSystem()).toSerializationFormat(m.worker());
        String refusal = admission.refusal(m, ref);
        if (refusal != null) {
            refuse(m, ref, refusal);
            return this;
        }
        if (steps.finishing()) {
            m.worker().tell(new WorkerProtocol.Refused("run " + setup.runId() + " is finishing"));
            return this;
        }
        if (members.get(m.workerId()).isEmpty()) {
            members.add(m.workerId(), m.worker(), m.device(), m.memoryBytes(), m.threads());
            joinOrder.add(m.workerId());
            getContext().watchWith(m.worker(), new WorkerGone(m.workerId()));
            event(m.workerId(), "registered", m.device() + " threads=" + m.threads() + " memory=" + m.memoryBytes());
        }
        m.worker().tell(new WorkerProtocol.Welcome(setup.runId(), setup.configYaml(), members.epoch(), steps.current()));
        return this;
    }

    /** One log line (per node and reason) and a membership record; the node hears why and stops. */
    private void refuse(RegisterWorker m, String ref, String reason) {
        String id = Admission.printable(m.workerId());
        if (admission.firstRefusal(ref, reason)) {
            getContext().getLog().warn("refused worker '{}' at {}: {}", id, m.worker().path().address(), reason);
            setup.files().event(steps.current(), members.epoch(), id.replace(',', ';'), "refused", reason);
        }
        m.worker().tell(new WorkerProtocol.Refused(reason));
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
        if (!steps.started()) {
            members.setStatus(m.workerId(), Status.ACTIVE);
            w.ref.tell(new WorkerProtocol.SyncFrom(-1, null)); // start from the seeded initial state
            event(m.workerId(), "active", "initial replica");
            if (members.withStatus(Status.ACTIVE).size() >= cfg.cluster().minWorkers()) {
                steps.start(0);
            }
        } else {
            members.setStatus(m.workerId(), Status.SYNCING);
            requestState(m.workerId());
        }
        return this;
    }

    /** Asks a live peer for its state on behalf of a joining worker. */
    private void requestState(String joiner) {
        var source = members.withStatus(Status.ACTIVE).stream().filter(w -> !w.id.equals(joiner)).findFirst();
        if (source.isEmpty()) {
            syncSources.put(joiner, "");
            event(joiner, "waiting", "no live replica to copy the state from");
            return;
        }
        syncSources.put(joiner, source.get().id);
        source.get().ref.tell(new WorkerProtocol.ProvideState(joiner));
        event(joiner, "syncing", "state from " + source.get().id);
    }

    private Behavior<Command> onStateOffered(StateOffered m) {
        members.get(m.forWorker()).filter(w -> w.status() == Status.SYNCING).ifPresent(w -> {
            event(w.id, "state-offered", "by " + m.workerId() + " at step " + m.step());
            w.ref.tell(new WorkerProtocol.SyncFrom(m.step(), m.state()));
        });
        return this;
    }

    private Behavior<Command> onSyncCompleted(SyncCompleted m) {
        members.get(m.workerId()).filter(w -> w.status() == Status.SYNCING).ifPresent(w -> {
            syncSources.remove(m.workerId());
            members.setStatus(m.workerId(), Status.ACTIVE);
            event(m.workerId(), "active", "synced at step " + m.step());
            syncSources.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList()
                    .forEach(this::requestState);
            steps.leasePending();
        });
        return this;
    }

    private Behavior<Command> onUpdateApplied(UpdateApplied m) {
        if (m.checksum() != 0) {
            setup.files().checksum(m.step(), m.workerId(), m.checksum());
            Map<String, Long> disagree = checksums.record(m.step(), m.workerId(), m.checksum());
            if (disagree != null) {
                getContext().getLog().error("replicas disagree after step {}: {}", m.step(), disagree);
                event(m.workerId(), "checksum-mismatch", "step " + m.step() + " " + disagree);
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
        String workerId = spec.matches("\\d+") && Integer.parseInt(spec) < joinOrder.size()
                ? joinOrder.get(Integer.parseInt(spec)) : spec;
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
        event(workerId, "left", reason);
        steps.reassignTasks(workerId);
    }

    private Behavior<Command> gone(String workerId, String why) {
        if (members.get(workerId).isEmpty()) {
            return this;
        }
        long lease = members.remove(workerId);
        event(workerId, "gone", why);
        steps.releaseLease(lease);
        // joiners that were copying from it ask another peer
        syncSources.entrySet().stream().filter(e -> e.getValue().equals(workerId)).map(Map.Entry::getKey).toList()
                .forEach(this::requestState);
        steps.reassignTasks(workerId);
        steps.leasePending();
        return this;
    }

    @Override
    public void event(String worker, String what, String detail) {
        long s = steps.current();
        setup.files().event(s, members.epoch(), worker, what, detail);
        getContext().getLog().info("[step {}] {} {}: {}", s, worker, what, detail);
    }
}
