package org.elasticscrl.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.core.run.DurableCopies;
import org.elasticscrl.core.train.ChunkMetrics;
import org.elasticscrl.core.train.Contribution;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.core.train.Update;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * The worker's units of work, each run on the replica's thread once its inputs (a fetched payload,
 * loaded chunks) are there. Each reports its result to the coordinator itself.
 */
final class Jobs implements AutoCloseable {
    /** One unit of work; {@link #run} starts it and completes when it is done. */
    sealed interface Job permits Apply, Compute, Restore, Load, OnThread {
        CompletableFuture<?> run();

        String describe();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkerSettings settings;
    private final Replica replica;
    private final Tensors tensors;
    private final ExecutorService thread;
    /** Writes durable copies, so that computing goes on meanwhile. */
    private final ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "checkpoint-writer");
        t.setDaemon(true);
        return t;
    });
    private final CoordinatorLink coordinator;
    /** Contributions served until their step is committed; updates fetched. */
    private final org.elasticscrl.worker.shard.Payloads payloads;
    private final OwnerRole owner;
    /** Snapshots offered to joiners, by joiner: several may be fetching at once (bounded). */
    private final Map<String, BlobRef> offered = new LinkedHashMap<>();
    private static final int OFFERS_KEPT = 4;
    private volatile long lastApplied = -1;

    Jobs(WorkerSettings settings, Replica replica, Tensors tensors, ExecutorService thread,
            CoordinatorLink coordinator) {
        this.settings = settings;
        this.replica = replica;
        this.tensors = tensors;
        this.thread = thread;
        this.coordinator = coordinator;
        this.payloads = new org.elasticscrl.worker.shard.Payloads(tensors);
        CopyHygiene.finishCopiesAtExit(io, settings, replica.config().saveDir());
        var cluster = replica.config().cluster();
        this.owner = new OwnerRole(settings.workerId(), tensors, cluster.canonicalSum(), cluster.replaySteps(), coordinator);
    }

    /** This worker as a shard owner. */
    OwnerRole owner() {
        return owner;
    }

    long lastApplied() {
        return lastApplied;
    }

    int datasetSize() {
        return replica.datasetSize();
    }

    /**
     * Tells the coordinator the replica is ready and the commit it holds — with the state's checksum when that is
     * past the initial state: a replica the worker brings back is reused only if it is the run's. Computed on the
     * replica's thread (a pass over the state, ~0.3 GB for ResNet-50) while nothing else runs there.
     */
    void reportReady() {
        long step = lastApplied;
        CompletableFuture.runAsync(() -> {
            long checksum = 0; // none: the coordinator copies a peer's state instead
            try {
                checksum = step < 0 ? 0 : replica.checksum();
            } finally {
                coordinator.tell(new CoordinatorProtocol.WorkerReady(settings.workerId(), datasetSize(), step, checksum));
            }
        }, thread);
    }

    /** A job that runs {@code body} on the replica's thread, in turn with the others. */
    record OnThread(String description, Jobs jobs, Runnable body) implements Job {
        @Override
        public CompletableFuture<?> run() {
            return CompletableFuture.runAsync(body, jobs.thread);
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /** The state's checksum, for the coordinator checking a returning replica against this one. */
    Job checksumReport(WorkerProtocol.ReportChecksum m) {
        return new OnThread("reporting the state's checksum", this, () -> coordinator.tell(
                new CoordinatorProtocol.StateChecksum(settings.workerId(), lastApplied, replica.checksum())));
    }

    /** The replica's own state is the run's state after commit {@code step} (-1: the initial state). */
    void startAt(long step) {
        lastApplied = step;
    }

    /** Apply a committed update (fetched as soon as the commit arrives). */
    record Apply(long step, Jobs jobs, WorkerProtocol.Commit commit, CompletableFuture<float[][]> payload)
            implements Job {
        @Override
        public CompletableFuture<?> run() {
            return payload.thenAcceptAsync(p -> jobs.applyNow(commit, p), jobs.thread);
        }

        @Override
        public String describe() {
            return "applying commit " + step;
        }
    }

    Apply apply(WorkerProtocol.Commit m) {
        return new Apply(m.step(), this, m, payloads.update(m, replica.gradientLength()));
    }

    private void applyNow(WorkerProtocol.Commit m, float[][] parts) {
        if (m.step() != lastApplied + 1) {
            throw new IllegalStateException("commit " + m.step() + " follows " + lastApplied + ": a commit is missing");
        }
        long checksum = replica.apply(new Update(parts[0], parts[1], new StepHyper(m.lr(), m.tau(), m.weightDecay())),
                m.checksum());
        lastApplied = m.step();
        coordinator.tell(new CoordinatorProtocol.UpdateApplied(settings.workerId(), m.step(), checksum,
                tensors.bytesSent(), tensors.bytesReceived(), tensors.sendingNanos(), tensors.receivingNanos()));
        // every contribution of this step and before is summed: stop serving them
        payloads.committed(m.step());
        owner.applied(m.step());
    }

    /** Compute a lease (its chunks start loading as soon as the lease arrives). */
    record Compute(Jobs jobs, WorkerProtocol.Lease lease, CompletableFuture<Replica.Loaded> chunks)
            implements Job {
        @Override
        public CompletableFuture<?> run() {
            return chunks.thenAcceptAsync(loaded -> jobs.computeNow(lease, loaded), jobs.thread);
        }

        @Override
        public String describe() {
            return "computing lease " + lease.leaseId() + " of step " + lease.step();
        }
    }

    Compute compute(WorkerProtocol.Lease m) {
        return new Compute(this, m, replica.load(m.epoch(), m.chunks()));
    }

    private void computeNow(WorkerProtocol.Lease m, Replica.Loaded loaded) {
        long t0 = System.nanoTime();
        float[][] parts;
        ChunkMetrics sum = null;
        if (replica.config().cluster().canonicalSum()) {
            // each chunk apart, in lease order; an unreadable chunk sends two empty parts
            List<Contribution> each = replica.computeEach(loaded);
            parts = new float[2 * each.size()][];
            for (int i = 0; i < each.size(); i++) {
                Contribution c = each.get(i);
                parts[2 * i] = c == null ? new float[0] : c.gradientSum();
                parts[2 * i + 1] = c == null ? new float[0] : c.statisticsSum();
                sum = c == null ? sum : sum == null ? c.metrics() : sum.plus(c.metrics());
            }
        } else {
            Contribution c = replica.compute(loaded);
            parts = c == null ? null : new float[][] {c.gradientSum(), c.statisticsSum()};
            sum = c == null ? null : c.metrics();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (settings.throttle() < 1) {
            long sleep = (long) (seconds * (1 / settings.throttle() - 1) * 1000);
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        var published = new org.elasticscrl.worker.shard.Payloads.Published(null, List.of());
        StepMetrics metrics = StepMetrics.NONE;
        if (sum != null) {
            published = payloads.publish(m.step(), m.shardCuts(), settings.poison().parts(parts));
            metrics = settings.poison().metrics(new StepMetrics(sum.samples(), sum.sslLossSum(), sum.ceLossSum(),
                    sum.correct(), sum.evaluated(), sum.pairs(), sum.skippedImages(), sum.boxFallbacks()));
        }
        coordinator.tell(new CoordinatorProtocol.ContributionReady(settings.workerId(), m.leaseId(), m.membershipEpoch(),
                m.step(), m.chunks(), seconds, metrics, published.blob(), published.slices()));
    }

    /** Snapshot the state after the current commit for a joining worker. */
    Job snapshot(WorkerProtocol.ProvideState m) {
        return new OnThread("snapshotting the state for " + m.forWorker(), this, () -> snapshotNow(m));
    }

    private void snapshotNow(WorkerProtocol.ProvideState m) {
        TrainingState s = replica.snapshot();
        BlobRef previous = offered.remove(m.forWorker());
        if (previous != null) {
            tensors.forget(previous);
        }
        if (offered.size() >= OFFERS_KEPT) {
            var oldest = offered.keySet().iterator().next();
            tensors.forget(offered.remove(oldest));
        }
        // exact whatever cluster.wire_dtype: a joiner's state must be the others' bit for bit (I1)
        BlobRef state = tensors.publishExact(s.online(), s.target(), s.momentum(), s.buffers());
        offered.put(m.forWorker(), state);
        coordinator.tell(new CoordinatorProtocol.StateOffered(settings.workerId(), m.forWorker(), lastApplied, state));
    }

    /** Load a peer's state (a joiner), fetched as soon as the offer arrives. */
    record Restore(Jobs jobs, WorkerProtocol.SyncFrom sync, CompletableFuture<float[][]> payload) implements Job {
        @Override
        public CompletableFuture<?> run() {
            return payload.thenAcceptAsync(p -> jobs.restoreNow(sync, p), jobs.thread);
        }

        @Override
        public String describe() {
            return "loading the state of step " + sync.step();
        }
    }

    Restore restore(WorkerProtocol.SyncFrom m) {
        return new Restore(this, m, tensors.fetchArrays(m.state()));
    }

    private void restoreNow(WorkerProtocol.SyncFrom m, float[][] p) {
        String layout = replica.stateLayout().id();
        replica.restore(new TrainingState(layout, m.step() + 1, p[0], p[1], p[2], p[3]));
        lastApplied = m.step();
    }

    /** A durable copy of the state after a commit: snapshotted in turn, written beside the computing. */
    Job save(WorkerProtocol.SaveCheckpoint m) {
        return new OnThread("saving a checkpoint of step " + m.step(), this, () -> saveNow(m));
    }

    private void saveNow(WorkerProtocol.SaveCheckpoint m) {
        if (lastApplied != m.step()) {
            saved(m.step(), null, "its replica is after step " + lastApplied + ", not " + m.step());
            return;
        }
        if (io.isShutdown()) { // told to end (SIGTERM): the order fails like a full disk would, and goes elsewhere
            saved(m.step(), null, "this worker is ending (told to stop); its copy is not written");
            return;
        }
        TrainingState s = replica.snapshot();
        CompletableFuture.supplyAsync(() -> {
            try {
                return DurableCopies.write(settings.copiesDir(replica.config().saveDir()), m.step(), s,
                        replica.stateLayout(), replica.configYaml(), m.runState(), m.keepSteps(),
                        settings.diskFault()::around);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io).whenComplete((w, error) -> saved(m.step(), w, error == null ? null : rootMessage(error)));
    }

    private void saved(long step, DurableCopies.Written w, String error) {
        coordinator.tell(w == null
                ? new CoordinatorProtocol.CheckpointSaved(settings.workerId(), step, "", 0, 0, error)
                : new CoordinatorProtocol.CheckpointSaved(settings.workerId(), step,
                        w.file().toAbsolutePath().toString(), w.crc32c(), w.bytes(), ""));
    }

    /** Whole-cluster restart: load a durable copy (this replica is waiting for its starting state). */
    record Load(Jobs jobs, WorkerProtocol.LoadCheckpoint request) implements Job {
        @Override
        public CompletableFuture<?> run() {
            return CompletableFuture.runAsync(() -> jobs.loadNow(request), jobs.thread);
        }

        @Override
        public String describe() {
            return "loading the checkpoint of step " + request.step();
        }
    }

    Load load(WorkerProtocol.LoadCheckpoint m) {
        return new Load(this, m);
    }

    private void loadNow(WorkerProtocol.LoadCheckpoint m) {
        String path = "";
        String error = "";
        try {
            List<DurableCopies.Expected> copies = new java.util.ArrayList<>();
            for (int i = 0; i < m.paths().size(); i++) {
                copies.add(new DurableCopies.Expected(m.paths().get(i), m.crc32c().get(i), m.bytes().get(i)));
            }
            DurableCopies.Loaded l = DurableCopies.read(copies, m.runId(), m.step(), replica.stateLayout());
            replica.restore(l.state());
            lastApplied = m.step();
            path = l.file().toAbsolutePath().toString();
        } catch (IOException | RuntimeException e) {
            error = rootMessage(e);
        }
        coordinator.tell(new CoordinatorProtocol.CheckpointLoaded(settings.workerId(), m.step(), path, error));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage() == null ? t : t.getMessage());
    }

    /** A task between steps. */
    Job task(WorkerProtocol.RunTask m) {
        return new OnThread("task " + m.task() + " of epoch " + m.epoch(), this, () -> taskNow(m));
    }

    private void taskNow(WorkerProtocol.RunTask m) {
        try {
            String result = switch (m.task()) {
                case "online_eval" -> replica.onlineEval();
                case "checkpoint" -> {
                    String dir = replica.config().saveDir();
                    if (dir == null) {
                        throw new IllegalStateException("the run has no save_dir to write checkpoints to");
                    }
                    yield replica.checkpoint(m.epoch(), Path.of(dir));
                }
                case "final_eval" -> JSON.writeValueAsString(replica.finalEval());
                default -> throw new IllegalArgumentException("unknown task " + m.task());
            };
            coordinator.tell(new CoordinatorProtocol.TaskCompleted(settings.workerId(), m.task(), m.epoch(), result));
        } catch (Exception e) {
            throw new IllegalStateException("task " + m.task() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        detach().close();
    }

    /** Ends this worker incarnation's use of the replica (what it served, its writer) and hands the replica over. */
    Replica detach() {
        payloads.forgetAll();
        owner.forgetAll();
        offered.values().forEach(tensors::forget);
        io.shutdown(); // a copy being written finishes; its temporary name protects the older ones
        return replica;
    }

    /** Whether a job failed because a payload could not be fetched (the sender gone), not by its own fault. */
    static boolean unreachablePayload(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.elasticscrl.protocol.blob.BlobFetchException || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
