package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.plan.EpochPlan;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.FromWorker;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.report.Csv;

/**
 * One coordinator under test, its run directory and in-memory tensors, and fake workers: scripted
 * ones (a {@link TestProbe} the test answers for) and automatic ones (an actor that answers
 * leases at once, watched by a probe). A fake gradient of chunk {@code c} with {@code n} samples
 * is {@code [n, n·c]} with statistics {@code [n]}, so the committed mean tells which chunks were
 * summed and how often.
 */
final class CoordinatorHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    /** Enough memory that only speed bounds a lease. */
    static final long MEMORY = 1L << 40;

    /** A scripted worker. */
    record Fake(String id, TestProbe<WorkerProtocol.Command> probe) {
        <T extends WorkerProtocol.Command> T expect(Class<T> type) {
            return probe.expectMessageClass(type, WAIT);
        }

        Lease lease() {
            return expect(Lease.class);
        }

        Commit commit() {
            return expect(Commit.class);
        }
    }

    /** A row of commits.csv: the ledger audit of one committed step. */
    record CommitRow(long step, int epoch, int stepInEpoch, int membershipEpoch, int samples, double lr,
            Map<Integer, String> chunks) {}

    final ActorTestKit kit;
    final ScrlConfig cfg;
    final int datasetSize;
    final MemoryTensors tensors = new MemoryTensors();
    /** The fake workers' ends of their sessions (no cluster secret: framed and counted, not keyed). */
    final Map<String, Session> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    final RunFiles files;
    final TestProbe<Coordinator.Finished> finished;
    final ActorRef<CoordinatorProtocol.Command> coordinator;
    /** While set, the coordinator's run-state stores fail as if it were cut off from the other coordinator nodes. */
    final java.util.concurrent.atomic.AtomicBoolean replicationCut = new java.util.concurrent.atomic.AtomicBoolean();
    /** While set, writes to commits.csv fail as on a full disk. */
    final java.util.concurrent.atomic.AtomicBoolean diskFull = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * {@code overrides} as on the command line; online and final evaluations and durable
     * checkpoints are off unless turned on.
     */
    CoordinatorHarness(ActorTestKit kit, Path dir, int datasetSize, String... overrides) {
        this(kit, dir, datasetSize, false, overrides);
    }

    /** {@code cutOff}: the coordinator starts cut off from the majority (every read and store fails). */
    CoordinatorHarness(ActorTestKit kit, Path dir, int datasetSize, boolean cutOff, String... overrides) {
        replicationCut.set(cutOff);
        List<String> args = new ArrayList<>(List.of("--train/online_eval=false", "--eval/enabled=false",
                "--cluster/checkpoint_every_steps=0"));
        args.addAll(List.of(overrides));
        this.kit = kit;
        this.cfg = ConfigLoader.load("scrl_cpu", args);
        this.datasetSize = datasetSize;
        this.files = new RunFiles(dir, f -> diskFull.get() && f.endsWith("commits.csv"));
        this.finished = kit.createTestProbe();
        this.coordinator = kit.spawn(Coordinator.create(new Coordinator.Setup(cfg, "yaml", "run", files, tensors,
                Map.of(), f -> finished.ref().tell(f)), () -> !replicationCut.get()));
    }

    /** To the coordinator; what a worker says about itself goes in that worker's session, as a worker sends it. */
    void send(CoordinatorProtocol.Command m) {
        Session s = m instanceof FromWorker w ? sessions.get(w.workerId()) : null;
        coordinator.tell(s == null ? m : s.seal(m));
    }

    /**
     * The worker {@code id}'s end of its session, as a ref to register with: the Welcome opens the session,
     * and what the coordinator seals in it reaches {@code to} opened (tests read plain messages).
     */
    ActorRef<WorkerProtocol.Command> unsealing(String id, ActorRef<WorkerProtocol.Command> to) {
        return kit.spawn(Behaviors.setup(ctx -> {
            ctx.watch(to); // a fake worker that stops is a worker that died
            return Behaviors.receive(WorkerProtocol.Command.class)
                .onMessage(WorkerProtocol.Welcome.class, w -> {
                    sessions.put(id, new Session(id, null, false));
                    to.tell(w);
                    return Behaviors.same();
                })
                .onMessage(Sealed.class, s -> {
                    to.tell((WorkerProtocol.Command) sessions.get(id).open(s));
                    return Behaviors.same();
                })
                .onMessage(WorkerProtocol.Command.class, m -> {
                    to.tell(m);
                    return Behaviors.same();
                })
                .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> Behaviors.stopped())
                .build();
        }));
    }

    /** Registers a scripted worker and takes its welcome. */
    Fake register(String id) {
        TestProbe<WorkerProtocol.Command> probe = kit.createTestProbe();
        send(new CoordinatorProtocol.RegisterWorker(id, "cpu", MEMORY, 1, unsealing(id, probe.ref())));
        Fake w = new Fake(id, probe);
        w.expect(WorkerProtocol.Welcome.class);
        return w;
    }

    void ready(Fake w) {
        send(new CoordinatorProtocol.WorkerReady(w.id(), datasetSize, -1));
    }

    /** Two scripted workers "a" and "b", both active; with min_workers 2, step 0 starts once both are. */
    Fake[] two() {
        Fake a = register("a");
        Fake b = register("b");
        ready(a);
        ready(b);
        a.expect(WorkerProtocol.SyncFrom.class);
        b.expect(WorkerProtocol.SyncFrom.class);
        return new Fake[] {a, b};
    }

    EpochPlan plan(int epoch) {
        var t = cfg.train();
        return EpochPlan.of(cfg.seed(), epoch, datasetSize, t.chunkSize(), t.chunksPerStep());
    }

    int samples(int epoch, List<Integer> chunks) {
        EpochPlan p = plan(epoch);
        return chunks.stream().mapToInt(c -> p.chunk(c).length).sum();
    }

    /** An operator's query and the coordinator's answer ({@code ok} false: the error it names). */
    org.elasticscrl.protocol.ShellProtocol.Answer ask(String command, String argument) {
        TestProbe<org.elasticscrl.protocol.ShellProtocol.Command> shell = kit.createTestProbe();
        send(new CoordinatorProtocol.Query(command, argument, shell.ref()));
        return shell.expectMessageClass(org.elasticscrl.protocol.ShellProtocol.Answer.class, WAIT);
    }

    /** {@code m} as sent with another payload and metrics (a faulty or lying worker's). */
    static ContributionReady withBlob(ContributionReady m, StepMetrics metrics, org.elasticscrl.protocol.BlobRef blob) {
        return new ContributionReady(m.workerId(), m.leaseId(), m.membershipEpoch(), m.step(), m.chunks(),
                m.computeSeconds(), metrics, blob);
    }

    /** What a worker computing {@code l} at {@code speed} samples/s sends. */
    ContributionReady answer(String worker, Lease l, double speed) {
        return contribution(worker, l.leaseId(), l.membershipEpoch(), l.step(), l.epoch(), l.chunks(),
                samples(l.epoch(), l.chunks()) / speed);
    }

    ContributionReady answer(Fake w, Lease l) {
        return answer(w.id(), l, 100);
    }

    /** {@link #answer(String, Lease, double)} as sharded aggregation sends it: one slice per shard of its cut points. */
    ContributionReady sliced(String worker, Lease l, double speed) {
        ContributionReady whole = answer(worker, l, speed);
        float[][] parts = tensors.read(whole.blob());
        List<Integer> cuts = l.shardCuts();
        List<org.elasticscrl.protocol.BlobRef> slices = new ArrayList<>();
        for (int shard = 0; shard + 1 < cuts.size(); shard++) {
            float[][] slice = new float[parts.length / 2][];
            for (int pair = 0; pair < slice.length; pair++) {
                float[] flat = concat(parts[2 * pair], parts[2 * pair + 1]);
                slice[pair] = java.util.Arrays.copyOfRange(flat, cuts.get(shard), cuts.get(shard + 1));
            }
            slices.add(tensors.publish(slice));
        }
        return new ContributionReady(whole.workerId(), whole.leaseId(), whole.membershipEpoch(), whole.step(),
                whole.chunks(), whole.computeSeconds(), whole.metrics(), null, slices);
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A contribution with a real payload (per chunk or summed, as the run's canonical_sum says). */
    ContributionReady contribution(String worker, long lease, int membershipEpoch, long step, int epoch,
            List<Integer> chunks, double seconds) {
        EpochPlan p = plan(epoch);
        boolean canonical = cfg.cluster().canonicalSum();
        float[][] parts = new float[canonical ? 2 * chunks.size() : 2][];
        float[] g = {0, 0};
        float[] s = {0};
        int n = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int c = chunks.get(i);
            int k = p.chunk(c).length;
            n += k;
            if (canonical) {
                parts[2 * i] = new float[] {k, (float) k * c};
                parts[2 * i + 1] = new float[] {k};
            }
            g[0] += k;
            g[1] += (float) k * c;
            s[0] += k;
        }
        if (!canonical) {
            parts[0] = g;
            parts[1] = s;
        }
        var metrics = new StepMetrics(n, 0.5 * n, 0, 0, 0, 0, 0, 0);
        return new ContributionReady(worker, lease, membershipEpoch, step, chunks, seconds, metrics,
                tensors.publish(parts));
    }

    /** The commit's update is the sample-weighted mean of exactly {@code chunks}' fake gradients. */
    void checkUpdate(Commit commit, int epoch, List<Integer> chunks) {
        EpochPlan p = plan(epoch);
        double n = 0;
        double weighted = 0;
        for (int c : chunks) {
            n += p.chunk(c).length;
            weighted += (double) p.chunk(c).length * c;
        }
        assertEquals((int) n, commit.samples(), "samples of step " + commit.step());
        float[][] update = tensors.read(commit.update());
        assertArrayEquals(new float[] {1f, (float) (weighted / n)}, update[0], 1e-5f, "mean gradient");
        assertArrayEquals(new float[] {1f}, update[1], 1e-6f, "mean statistics");
    }

    /** An automatic worker: answers leases at {@code speed} (reported, not slept), hangs or crashes when told. */
    ActorRef<WorkerProtocol.Command> autoWorker(String id, double speed, TestProbe<WorkerProtocol.Command> monitor,
            Predicate<Lease> hangOn, Predicate<Lease> crashOn) {
        long[] lastCommit = {-1};
        Behavior<WorkerProtocol.Command> b = Behaviors.receive(WorkerProtocol.Command.class)
                .onMessage(WorkerProtocol.Welcome.class, m -> {
                    send(new CoordinatorProtocol.WorkerReady(id, datasetSize, -1));
                    return Behaviors.same();
                })
                .onMessage(Lease.class, l -> {
                    if (crashOn.test(l)) {
                        return Behaviors.stopped();
                    }
                    if (!hangOn.test(l)) {
                        send(answer(id, l, speed));
                    }
                    return Behaviors.same();
                })
                .onMessage(Commit.class, c -> {
                    lastCommit[0] = c.step();
                    return Behaviors.same();
                })
                .onMessage(WorkerProtocol.ProvideState.class, m -> {
                    var state = tensors.publish(new float[] {0});
                    send(new CoordinatorProtocol.StateOffered(id, m.forWorker(), lastCommit[0], state));
                    return Behaviors.same();
                })
                .onMessage(WorkerProtocol.SyncFrom.class, m -> {
                    if (m.step() >= 0) {
                        send(new CoordinatorProtocol.SyncCompleted(id, m.step()));
                    }
                    return Behaviors.same();
                })
                .onMessage(WorkerProtocol.SaveCheckpoint.class, m -> {
                    if (lastCommit[0] != m.step()) {
                        fail(id + " asked to save step " + m.step() + " before its commit (last " + lastCommit[0] + ")");
                    }
                    send(new CoordinatorProtocol.CheckpointSaved(id, m.step(), copyPath(id, m.step()), 0xC0FFEEL, 1000, ""));
                    return Behaviors.same();
                })
                .onMessage(WorkerProtocol.RunTask.class, m -> {
                    send(new CoordinatorProtocol.TaskCompleted(id, m.task(), m.epoch(), "{}"));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
        var ref = unsealing(id, kit.spawn(Behaviors.monitor(WorkerProtocol.Command.class, monitor.ref(), b)));
        send(new CoordinatorProtocol.RegisterWorker(id, "cpu", MEMORY, 1, ref));
        return ref;
    }

    /** Where an automatic worker says it wrote its copy of step {@code step}. */
    static String copyPath(String worker, long step) {
        return "/copies/" + worker + "/step_" + step + ".safetensors";
    }

    /** The first {@code n} rows of commits.csv, waiting for the coordinator to write them. */
    List<CommitRow> commits(int n) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<CommitRow> rows = readCommits();
            if (rows.size() >= n) {
                return rows.subList(0, n);
            }
            if (System.nanoTime() > until) {
                fail("commits.csv has " + rows.size() + " rows, expected " + n);
            }
            pause();
        }
    }

    List<CommitRow> readCommits() {
        List<CommitRow> rows = new ArrayList<>();
        for (String line : lines("commits.csv")) {
            String[] f = line.split(",");
            Map<Integer, String> chunks = new LinkedHashMap<>();
            for (String cw : f[10].split(" ")) {
                String[] kv = cw.split(":");
                if (chunks.put(Integer.parseInt(kv[0]), kv[1]) != null) {
                    fail("chunk " + kv[0] + " twice in one commit: " + line);
                }
            }
            rows.add(new CommitRow(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]), Integer.parseInt(f[4]), Double.parseDouble(f[5]), chunks));
        }
        return rows;
    }

    /** Lines of membership.csv recording {@code event}, waiting until there are at least {@code n}. */
    List<String> events(String event, int n) {
        long until = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> hits = lines("membership.csv").stream().filter(l -> l.split(",")[4].equals(event)).toList();
            if (hits.size() >= n) {
                return hits;
            }
            if (System.nanoTime() > until) {
                fail("membership.csv has " + hits.size() + " '" + event + "' events, expected " + n);
            }
            pause();
        }
    }

    private List<String> lines(String file) {
        try {
            // each row's cells joined by commas as read (a detail's own commas included): tests match on the text
            return Csv.rows(files.dir().resolve(file)).stream().skip(1).map(r -> String.join(",", r)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kit.stop(coordinator, WAIT);
        files.close();
    }
}
