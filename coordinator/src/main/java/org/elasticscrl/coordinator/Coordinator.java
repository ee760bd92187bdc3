package org.elasticscrl.coordinator;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.TauSchedule;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.plan.EpochPlan;
import org.elasticscrl.protocol.BlobRef;
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
 * The coordinator of a run (one per cluster, a singleton): it owns the plan, leases each step's
 * chunks to the live workers in proportion to their speed, accepts contributions of current
 * leases only, commits a step when every chunk is in — broadcasting the mean update with the
 * step's LR, τ and weight decay — re-leases chunks of workers that leave or miss their deadline,
 * brings joining workers up to date from a peer's state, and drives evaluation and checkpoint
 * cadence. It decides with the pure {@link StepRun}, {@link Membership}, {@link LeasePlanner} and
 * {@link DeadlinePolicy}; this class turns their answers into messages. No DJL.
 */
public final class Coordinator extends AbstractBehavior<Command> {
    /** How the run ended: the final evaluation's JSON (empty when not run). */
    public record Finished(long steps, String finalEval) {}

    private record Fetched(String workerId, long lease, long step, StepMetricsAndPayload result, String error)
            implements Command {}

    private record StepMetricsAndPayload(ByteBuffer payload, org.elasticscrl.protocol.StepMetrics metrics) {}

    private record LeaseExpired(long lease, long step) implements Command {}

    private record WorkerGone(String workerId) implements Command {}

    private final ScrlConfig cfg;
    private final String configYaml;
    private final String runId;
    private final RunFiles files;
    private final Tensors blobs;
    private final Map<Long, List<String>> drainAt;
    private final Consumer<Finished> onFinished;
    private final TimerScheduler<Command> timers;
    private final Membership<ActorRef<WorkerProtocol.Command>> members;
    private final DeadlinePolicy deadlines;
    private final List<String> joinOrder = new ArrayList<>();
    private final Deque<BlobRef> replay = new ArrayDeque<>();
    private final Map<Long, Map<String, Long>> checksums = new HashMap<>();
    private final Map<String, String> syncSources = new HashMap<>();
    private int datasetSize = -1;
    private long spe;
    private LrSchedule lr;
    private TauSchedule tau;
    private StepRun step;
    private long nextLease = 1;
    private long stepStartNanos;
    private double epochLossSum;
    private long epochSamples;
    private final long runStartNanos = System.nanoTime();
    private String finalEval = "";
    private boolean finishing;

    public static Behavior<Command> create(ScrlConfig cfg, String configYaml, String runId, RunFiles files,
            Tensors blobs, Map<Long, List<String>> drainAt, Consumer<Finished> onFinished) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Coordinator(ctx, timers, cfg, configYaml, runId, files, blobs, drainAt, onFinished)));
    }

    private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, ScrlConfig cfg, String configYaml,
            String runId, RunFiles files, Tensors blobs, Map<Long, List<String>> drainAt, Consumer<Finished> onFinished) {
        super(ctx);
        ctx.setLoggerName(Coordinator.class);
        this.timers = timers;
        this.cfg = cfg;
        this.configYaml = configYaml;
        this.runId = runId;
        this.files = files;
        this.blobs = blobs;
        this.drainAt = drainAt;
        this.onFinished = onFinished;
        this.members = new Membership<>(cfg.cluster().speedEwma());
        var c = cfg.cluster();
        this.deadlines = new DeadlinePolicy(c.deadlineFloorS(), c.deadlineCapS(), c.deadlineFactor());
        ctx.getLog().info("coordinator of run {} up: {} chunks of {} per step, {}", runId,
                cfg.train().chunksPerStep(), cfg.train().chunkSize(), deadlines);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RegisterWorker.class, this::onRegister)
                .onMessage(WorkerReady.class, this::onReady)
                .onMessage(StateOffered.class, this::onStateOffered)
                .onMessage(SyncCompleted.class, this::onSyncCompleted)
                .onMessage(ContributionReady.class, this::onContribution)
                .onMessage(Fetched.class, this::onFetched)
                .onMessage(LeaseExpired.class, this::onLeaseExpired)
                .onMessage(UpdateApplied.class, this::onUpdateApplied)
                .onMessage(TaskCompleted.class, this::onTaskCompleted)
                .onMessage(WorkerFailed.class, this::onWorkerFailed)
                .onMessage(DrainWorker.class, m -> drain(m.workerId(), "requested"))
                .onMessage(WorkerGone.class, m -> gone(m.workerId(), "terminated"))
                .build();
    }

    private Behavior<Command> onRegister(RegisterWorker m) {
        if (finishing) {
            m.worker().tell(new WorkerProtocol.Refused("run " + runId + " is finishing"));
            return this;
        }
        long joinStep = step == null ? -1 : step.step();
        if (members.get(m.workerId()).isEmpty()) {
            members.add(m.workerId(), m.worker(), m.device(), m.memoryBytes(), m.threads());
            joinOrder.add(m.workerId());
            getContext().watchWith(m.worker(), new WorkerGone(m.workerId()));
            event(m.workerId(), "registered", m.device() + " threads=" + m.threads() + " memory=" + m.memoryBytes());
        }
        m.worker().tell(new WorkerProtocol.Welcome(runId, configYaml, members.epoch(), joinStep));
        return this;
    }

    private Behavior<Command> onReady(WorkerReady m) {
        var w = members.get(m.workerId()).orElse(null);
        if (w == null || w.status() != Status.PREPARING) {
            return this;
        }
        if (datasetSize < 0) {
            datasetSize = m.datasetSize();
            spe = EpochPlan.stepsPerEpoch(datasetSize, cfg.train().batchSizeTrain());
            lr = LrSchedule.pretraining(cfg.train(), spe);
            tau = TauSchedule.of(cfg.train(), spe);
        } else if (datasetSize != m.datasetSize()) {
            w.ref.tell(new WorkerProtocol.Refused("its training data has " + m.datasetSize() + " samples, the run's has "
                    + datasetSize));
            members.remove(m.workerId());
            event(m.workerId(), "refused", "dataset size " + m.datasetSize());
            return this;
        }
        if (step == null) {
            members.setStatus(m.workerId(), Status.ACTIVE);
            w.ref.tell(new WorkerProtocol.SyncFrom(-1, null)); // start from the seeded initial state
            event(m.workerId(), "active", "initial replica");
            if (members.withStatus(Status.ACTIVE).size() >= cfg.cluster().minWorkers()) {
                startStep(0);
            }
        } else {
            members.setStatus(m.workerId(), Status.SYNCING);
            requestState(m.workerId());
        }
        return this;
    }

    /** Asks a live peer (not the coordinator) for its state on behalf of a joining worker. */
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
            leasePending();
        });
        return this;
    }

    private void startStep(long global) {
        int epoch = (int) (global / spe) + 1;
        int inEpoch = (int) (global % spe);
        EpochPlan plan = EpochPlan.of(cfg.seed(), epoch, datasetSize, cfg.train().chunkSize(), cfg.train().chunksPerStep());
        step = new StepRun(global, epoch, inEpoch, plan.chunksOfStep(inEpoch), chunk -> plan.chunk(chunk).length,
                cfg.cluster().canonicalSum());
        stepStartNanos = System.nanoTime();
        for (String id : drainAt.getOrDefault(global, List.of())) {
            drain(scriptedWorker(id), "scripted at step " + global);
        }
        leasePending();
    }

    private String scriptedWorker(String spec) {
        if (spec.matches("\\d+")) {
            int i = Integer.parseInt(spec);
            return i < joinOrder.size() ? joinOrder.get(i) : spec;
        }
        return spec;
    }

    /** Leases the step's pending chunks to the workers free now, in proportion to their speed. */
    private void leasePending() {
        if (step == null || finishing) {
            return;
        }
        List<Integer> pending = step.ledger().pending();
        if (pending.isEmpty()) {
            return;
        }
        long chunkBytes = cfg.cluster().memoryPerChunkMb() * (1L << 20);
        List<LeasePlanner.Candidate> candidates = members.available().stream()
                .map(w -> new LeasePlanner.Candidate(w.id, w.speed(), (int) Math.max(1, w.memoryBytes / chunkBytes)))
                .toList();
        int from = 0;
        for (Map.Entry<String, Integer> e : LeasePlanner.split(pending.size(), candidates).entrySet()) {
            List<Integer> chunks = pending.subList(from, from + e.getValue());
            from += e.getValue();
            var w = members.get(e.getKey()).orElseThrow();
            long lease = nextLease++;
            int samples = step.samples(chunks);
            double seconds = deadlines.seconds(samples, w.speed());
            step.lease(lease, w.id, chunks);
            members.leased(w.id, lease);
            w.ref.tell(new WorkerProtocol.Lease(lease, members.epoch(), step.step(), step.epoch(), List.copyOf(chunks),
                    System.currentTimeMillis() + (long) (seconds * 1000)));
            timers.startSingleTimer(lease, new LeaseExpired(lease, step.step()), Duration.ofMillis((long) (seconds * 1000)));
        }
    }

    private Behavior<Command> onContribution(ContributionReady m) {
        members.leaseDone(m.workerId(), m.metrics().samples(), m.computeSeconds());
        timers.cancel(m.leaseId());
        String why = step == null || m.step() != step.step() ? "step " + m.step() + " is not the current step"
                : step.ledger().accept(m.leaseId(), m.chunks());
        if (why != null) {
            getContext().getLog().info("refused contribution of {} (lease {}, membership epoch {}, step {}): {}",
                    m.workerId(), m.leaseId(), m.membershipEpoch(), m.step(), why);
            event(m.workerId(), "refused-contribution", why);
        } else if (m.blob() == null) {
            getContext().getSelf().tell(new Fetched(m.workerId(), m.leaseId(), m.step(),
                    new StepMetricsAndPayload(null, m.metrics()), null));
        } else {
            getContext().pipeToSelf(blobs.fetch(m.blob()), (payload, error) -> new Fetched(m.workerId(), m.leaseId(),
                    m.step(), new StepMetricsAndPayload(payload, m.metrics()), error == null ? null : error.toString()));
        }
        leasePending();
        return this;
    }

    private Behavior<Command> onFetched(Fetched m) {
        if (step == null || m.step() != step.step()) {
            return this;
        }
        if (m.error() != null) {
            step.ledger().release(m.lease());
            event(m.workerId(), "transfer-failed", m.error());
            leasePending();
            return this;
        }
        step.add(m.lease(), m.result().payload(), m.result().metrics());
        if (step.ledger().isComplete()) {
            commit();
        }
        return this;
    }

    private Behavior<Command> onLeaseExpired(LeaseExpired m) {
        if (step != null && m.step() == step.step() && !step.ledger().release(m.lease()).isEmpty()) {
            String worker = step.workerOf(m.lease());
            event(worker, "deadline-missed", "lease " + m.lease() + " re-leased");
            leasePending();
        }
        return this;
    }

    private void commit() {
        long s = step.step();
        var metrics = step.metrics();
        double hyperLr = lr.valueAt(s);
        double hyperTau = tau.valueAt(s);
        double wd = cfg.train().optim().weightDecay();
        boolean check = s % cfg.cluster().checksumInterval() == 0;
        BlobRef update = step.hasSamples() ? blobs.publish(step.mean()) : null;
        double seconds = (System.nanoTime() - stepStartNanos) / 1e9;
        if (update != null) {
            var commit = new WorkerProtocol.Commit(s, members.epoch(), hyperLr, hyperTau, wd, metrics.samples(), check, update);
            members.withStatus(Status.ACTIVE, Status.SYNCING, Status.DRAINING).forEach(w -> w.ref.tell(commit));
            replay.addLast(update);
            while (replay.size() > cfg.cluster().replaySteps()) {
                blobs.forget(replay.removeFirst());
            }
        }
        files.commit(s, step.epoch(), step.inEpoch(), members.epoch(), metrics.samples(), hyperLr, hyperTau, wd,
                metrics.sslLoss(), seconds, step.answers());
        try {
            files.metrics().step(new org.elasticscrl.report.MetricsLog.StepRow(s, step.epoch(), metrics.sslLoss(),
                    metrics.samples() == 0 ? Double.NaN : metrics.ceLossSum() / metrics.samples(),
                    metrics.evaluated() == 0 ? Double.NaN : (double) metrics.correct() / metrics.evaluated(),
                    hyperLr, hyperTau, metrics.samples() / seconds));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        epochLossSum += metrics.sslLossSum();
        epochSamples += metrics.samples();
        for (var w : members.withStatus(Status.DRAINING)) {
            if (w.lease() == 0) {
                release(w.id, "drained");
            }
        }
        long next = s + 1;
        boolean epochEnd = next % spe == 0;
        if (epochEnd) {
            endEpoch(step.epoch(), next == spe * cfg.train().maxEpochs());
        }
        if (next < spe * cfg.train().maxEpochs()) {
            startStep(next);
        } else {
            step = null;
        }
    }

    private void endEpoch(int epoch, boolean last) {
        var t = cfg.train();
        double loss = epochSamples == 0 ? Double.NaN : epochLossSum / epochSamples;
        epochLossSum = 0;
        epochSamples = 0;
        List<String> tasks = new ArrayList<>();
        if (t.onlineEval() && (epoch % t.validInterval() == 0 || last)) {
            tasks.add("online_eval");
        }
        if (epoch % t.snapshotInterval() == 0 || last) {
            tasks.add("checkpoint");
        }
        if (last) {
            finishing = true;
            if (cfg.eval().enabled()) {
                tasks.add("final_eval");
            }
        }
        pendingEpochLoss.put(epoch, loss);
        var designated = members.withStatus(Status.ACTIVE).stream().findFirst();
        if (designated.isEmpty() || tasks.isEmpty()) {
            writeEpoch(epoch, Double.NaN);
            if (last) {
                finish();
            }
            return;
        }
        var w = designated.get();
        members.task(w.id, String.join("+", tasks));
        expectedTasks.put(w.id, new ArrayList<>(tasks));
        tasks.forEach(task -> w.ref.tell(new WorkerProtocol.RunTask(task, epoch)));
        if (!tasks.contains("online_eval")) {
            writeEpoch(epoch, Double.NaN);
        }
    }

    private final Map<Integer, Double> pendingEpochLoss = new HashMap<>();
    private final Map<String, List<String>> expectedTasks = new HashMap<>();

    private void writeEpoch(int epoch, double onlineAccuracy) {
        Double loss = pendingEpochLoss.remove(epoch);
        try {
            files.metrics().epoch(new org.elasticscrl.report.MetricsLog.EpochRow(epoch, loss == null ? Double.NaN : loss,
                    onlineAccuracy, 0, (System.nanoTime() - runStartNanos) / 1e9));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Behavior<Command> onTaskCompleted(TaskCompleted m) {
        event(m.workerId(), "task", m.task() + " epoch " + m.epoch() + ": " + m.result());
        if (m.task().equals("online_eval")) {
            writeEpoch(m.epoch(), Json.number(m.result(), "online_accuracy"));
        } else if (m.task().equals("final_eval")) {
            finalEval = m.result();
        }
        List<String> left = expectedTasks.getOrDefault(m.workerId(), new ArrayList<>());
        left.remove(m.task());
        if (left.isEmpty()) {
            expectedTasks.remove(m.workerId());
            members.get(m.workerId()).ifPresent(w -> members.task(w.id, null));
            if (finishing && expectedTasks.isEmpty()) {
                finish();
                return this;
            }
            leasePending();
        }
        return this;
    }

    private Behavior<Command> onUpdateApplied(UpdateApplied m) {
        if (m.checksum() != 0) {
            files.checksum(m.step(), m.workerId(), m.checksum());
            Map<String, Long> seen = checksums.computeIfAbsent(m.step(), k -> new LinkedHashMap<>());
            seen.put(m.workerId(), m.checksum());
            if (seen.values().stream().distinct().count() > 1) {
                getContext().getLog().error("replicas disagree after step {}: {}", m.step(), seen);
                event(m.workerId(), "checksum-mismatch", "step " + m.step() + " " + seen);
            }
            checksums.keySet().removeIf(k -> k < m.step() - 2L * cfg.cluster().replaySteps());
        }
        return this;
    }

    private Behavior<Command> onWorkerFailed(WorkerFailed m) {
        event(m.workerId(), "failed", m.what() + ": " + m.reason());
        return gone(m.workerId(), "failed " + m.what());
    }

    private Behavior<Command> drain(String workerId, String why) {
        if (members.withStatus(Status.ACTIVE).size() == 1
                && members.get(workerId).filter(w -> w.status() == Status.ACTIVE).isPresent()) {
            event(workerId, "drain-refused", why + ": it is the last active worker; the run would stop");
            return this;
        }
        members.get(workerId).filter(w -> w.status() == Status.ACTIVE).ifPresent(w -> {
            members.setStatus(w.id, Status.DRAINING);
            event(w.id, "draining", why);
            if (w.lease() == 0) {
                release(w.id, "drained");
            }
        });
        return this;
    }

    private void release(String workerId, String reason) {
        members.get(workerId).ifPresent(w -> w.ref.tell(new WorkerProtocol.Release(reason)));
        members.remove(workerId);
        event(workerId, "left", reason);
        reassignTasks(workerId);
    }

    private Behavior<Command> gone(String workerId, String why) {
        if (members.get(workerId).isEmpty()) {
            return this;
        }
        long lease = members.remove(workerId);
        event(workerId, "gone", why);
        if (step != null && lease != 0) {
            timers.cancel(lease);
            step.ledger().release(lease);
        }
        // joiners that were copying from it ask another peer
        syncSources.entrySet().stream().filter(e -> e.getValue().equals(workerId)).map(Map.Entry::getKey).toList()
                .forEach(this::requestState);
        reassignTasks(workerId);
        leasePending();
        return this;
    }

    private void reassignTasks(String workerId) {
        List<String> tasks = expectedTasks.remove(workerId);
        if (tasks == null || tasks.isEmpty()) {
            return;
        }
        var other = members.withStatus(Status.ACTIVE).stream().findFirst();
        if (other.isEmpty()) {
            getContext().getLog().error("tasks {} lost with worker {}: no other active worker", tasks, workerId);
            return;
        }
        members.task(other.get().id, String.join("+", tasks));
        expectedTasks.put(other.get().id, tasks);
        int epoch = (int) Math.max(1, (step == null ? spe * cfg.train().maxEpochs() : step.step()) / spe);
        tasks.forEach(task -> other.get().ref.tell(new WorkerProtocol.RunTask(task, epoch)));
    }

    private void finish() {
        long steps = spe * cfg.train().maxEpochs();
        files.writeFile("results.json", Json.results(runId, steps, files.metrics(), finalEval));
        try {
            org.elasticscrl.report.Curves.write(files.dir().resolve("curves.png"), files.metrics());
        } catch (java.io.IOException e) {
            getContext().getLog().warn("could not draw curves.png: {}", e.toString());
        }
        for (var w : members.all()) {
            w.ref.tell(new WorkerProtocol.Release("run complete"));
        }
        getContext().getLog().info("run {} complete: {} steps", runId, steps);
        onFinished.accept(new Finished(steps, finalEval));
    }

    private void event(String worker, String what, String detail) {
        long s = step == null ? -1 : step.step();
        files.event(s, members.epoch(), worker, what, detail);
        getContext().getLog().info("[step {}] {} {}: {}", s, worker, what, detail);
    }
}
