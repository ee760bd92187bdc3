package org.elasticscrl.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.platform.KernelPolicy.Choice;

/**
 * {@code scrl bench --what churn}: a membership trace replayed against a real coordinator and a standby, every
 * trace node a simulated worker ({@code --simulate P:SECONDS}, its transport over an emulated link), on the run's
 * aggregation path (the preset's star unless {@code --cluster/aggregation=sharded}). The nodes live in a few host JVMs ({@link HostedWorkers}), each a cluster node of its own. The trace's first
 * events are the pool the run starts with; once the coordinator has taken them all in, the clock starts and every
 * later event runs at its time divided by the speedup: an {@code add} starts a worker (it joins and copies the state
 * from a live peer), a {@code remove} kills it (its transport closed and its node gone at once: no drain, no leave).
 * At the trace's last event the replay stops and measures {@link Goodput}, audits the committed steps
 * ({@link RunAudit}: none lost or repeated, no sample missed or counted twice, replicas' checksums agreeing), prints a
 * table and plots alive workers against committed throughput (PNG).
 */
final class ChurnBench {
    /** Samples per chunk: the simulated replica's compute time is per chunk, whatever its size. */
    static final int CHUNK = 1;
    /** Simulated workers per host JVM at most (at the trace's peak). */
    static final int PER_HOST = 8;
    private static final int STEPS_PER_EPOCH = 64;
    /**
     * A host JVM's collector: ZGC collects while the nodes run. G1 stopped a host of eight nodes for 0.5-2.5 s at
     * a time on 2 shared cores (100+ MB of a step's buffers copied each young collection), every node's heartbeats
     * came late, and healthy workers were downed in waves (a p3 replay stalled at step 13).
     */
    private static final String HOST_GC = "-XX:+UseZGC";
    /**
     * Every node's failure detector, here: the product has every node heartbeat every other (so that a coordinator
     * hears each worker itself); with 30+ nodes on 2 cores that is ~4,000 heartbeat messages a second at 500 ms, and
     * heartbeats came 4-8 s late, so healthy workers were downed and the pool never formed. Here each node is watched
     * by 9 others (Pekko's default), every second, and may be silent 5 s: a preempted worker is noticed after ~5 s
     * instead of ~2 s, which the goodput pays for. A machine per node needs none of this.
     */
    static final String[] CLUSTER_FLAGS = {"-Dscrl.cluster.heartbeat-interval=1s",
        "-Dscrl.cluster.acceptable-heartbeat-pause=5s", "-Dpekko.cluster.failure-detector.monitored-by-nr-of-members=9"};
    /**
     * Up to this many workers the replay keeps the product's failure detector (500 ms heartbeats, 2 s pause, every node
     * monitoring every other): 16 nodes ran with it on 2 cores, and a preempted worker is noticed after ~2.5 s, not ~6 s.
     */
    static final int PRODUCT_DETECTOR_UP_TO = 16;
    /** No commit for this long: the run is stuck, the replay ends (and says so). */
    static final long STALLED_MILLIS = 180_000;

    /** What a replay measured. */
    record Result(Path dir, ChurnTrace trace, double speedup, Goodput.Result goodput, RunAudit audit,
            Map<String, Integer> events, double seconds, boolean stalled) {}

    private final Path top;
    private final long params;
    private final double chunkSeconds;
    private final int chunksPerStep;
    private final String link;
    private final List<String> overrides;
    private final Map<String, Integer> live = new LinkedHashMap<>();
    private final List<Process> hosts = new ArrayList<>();
    private final List<java.io.Writer> hostInputs = new ArrayList<>();
    private final Map<String, Long> started = new HashMap<>();
    private final List<Goodput.Life> ended = new ArrayList<>();
    private final List<Long> removals = new ArrayList<>();
    private final List<Process> coordinators = new ArrayList<>();
    private final List<String> seeds = new ArrayList<>();
    private final CommitClock clock = new CommitClock();
    private Path dir;
    private Choice kernels;
    /** The failure detector's flags for every node of this replay (none: the product's). */
    private String[] clusterFlags;

    ChurnBench(Path top, long params, double chunkSeconds, int chunksPerStep, String link, List<String> overrides) {
        if (params < 1 || params > Integer.MAX_VALUE || !(chunkSeconds > 0) || chunksPerStep < 1) {
            throw new IllegalArgumentException("churn: --params must be in 1.." + Integer.MAX_VALUE + ", --chunk-seconds"
                    + " > 0 and --chunks >= 1; got " + params + ", " + chunkSeconds + ", " + chunksPerStep);
        }
        org.elasticscrl.protocol.blob.EmulatedLink.parse(link, "--link");
        this.top = top;
        this.params = params;
        this.chunkSeconds = chunkSeconds;
        this.chunksPerStep = chunksPerStep;
        this.link = link;
        this.overrides = overrides;
    }

    /** The speedup that replays {@code trace} in about {@code minutes}, at least 1. */
    static double speedupFor(ChurnTrace trace, double minutes) {
        return Math.max(1, Math.ceil(trace.spanMillis() / (minutes * 60_000)));
    }

    Result run(ChurnTrace original, double speedup) throws Exception {
        ChurnTrace trace = original.compressed(speedup);
        int batch = chunksPerStep * CHUNK;
        double rate = CHUNK / chunkSeconds;
        // enough steps for the replay even if every step took one chunk's time: the run never ends before the trace;
        // epochs of 64 steps keep each replica's plan small (a plan of the whole replay: ~7 MB a worker)
        long steps = Math.max(64, (long) Math.ceil(trace.spanMillis() / 1000.0 / chunkSeconds) + 64);
        int epochs = (int) Math.min(Integer.MAX_VALUE, (steps + STEPS_PER_EPOCH - 1) / STEPS_PER_EPOCH);
        dir = RunDirectory.createNext(top, "churn_" + trace.name().replaceAll("\\.csv$", "")).path().toAbsolutePath();
        List<String> a = new ArrayList<>(ClusterBench.runArgs(STEPS_PER_EPOCH, batch, CHUNK, overrides,
                "--cluster/wire_dtype=bf16", "--cluster/canonical_sum=false", "--train/snapshot_interval=1000000",
                "--train/max_epochs=" + epochs));
        a.add("--save_dir=" + dir);
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare("scrl_cpu", a, top);
        kernels = Choice.of(run.cfg().train().deterministic());
        clusterFlags = trace.peakAlive() <= PRODUCT_DETECTOR_UP_TO ? new String[0] : CLUSTER_FLAGS;
        String detector = clusterFlags.length == 0 ? "the product's"
                : "a relaxed (1 s heartbeats, 5 s pause, 9 monitors a node)";
        System.out.printf(Locale.ROOT, "churn: %s, %d events (%d adds), at most %d workers at once, %.0fx faster"
                + " (%.1f min of trace in %.1f min); simulated workers: P = %,d values in bf16, %.3f s a chunk, %d chunks"
                + " a step, each over an emulated %s link, %s aggregation; %s failure detector; %d cores here%n",
                trace.name(), trace.events().size(), trace.adds(), trace.peakAlive(), speedup,
                original.spanMillis() / 60_000.0, trace.spanMillis() / 60_000.0, params, chunkSeconds, chunksPerStep, link,
                run.cfg().cluster().aggregation(), detector, Runtime.getRuntime().availableProcessors());
        long t0 = 0;
        long end = 0;
        boolean stalled = false;
        long begin = System.nanoTime();
        try {
            startCoordinator(run);
            startCoordinator(run);
            for (int h = 0; h < (trace.peakAlive() + PER_HOST - 1) / PER_HOST; h++) {
                startHost(h);
            }
            // the pool joins one worker at a time (each registered before the next starts), before the clock starts:
            // 30 nodes joining at once on 2 cores delayed heartbeats past the failure detector, and it never formed
            for (ChurnTrace.Event e : trace.initial()) {
                add(e.node());
                long wait = System.currentTimeMillis() + 30_000;
                while (!ChurnEvents.registered(dir.resolve("membership.csv")).contains(e.node())
                        && System.currentTimeMillis() < wait) {
                    Thread.sleep(50);
                }
            }
            Progress bar = new Progress("churn " + trace.name(), Math.max(1, trace.changes().size()));
            // the pool is up when the coordinator has taken every worker of it in: the replay's clock starts then
            long patience = System.currentTimeMillis() + 120_000 + 5_000L * trace.initial().size();
            List<String> pool = List.copyOf(live.keySet());
            while (!ChurnEvents.firstActive(dir.resolve("membership.csv")).keySet().containsAll(pool)) {
                if (System.currentTimeMillis() > patience) {
                    throw new IllegalStateException("churn: the first " + pool.size() + " workers were not all active"
                            + " within " + (120 + 5 * pool.size()) + " s; see " + dir.resolve("coordinator-0.log"));
                }
                clock.poll(dir);
                Thread.sleep(50);
            }
            t0 = System.currentTimeMillis();
            for (String node : live.keySet()) {
                started.put(node, t0); // the pool existed before the clock: it is alive from the start
            }
            int done = 0;
            for (ChurnTrace.Event e : trace.changes()) {
                long due = t0 + e.millis() - trace.events().get(0).millis();
                stalled = waitUntil(due);
                if (stalled) {
                    break;
                }
                if (e.add()) {
                    add(e.node());
                } else {
                    remove(e.node());
                }
                bar.update(++done, live.size() + " alive, " + clock.count() + " steps committed");
            }
            end = stalled ? System.currentTimeMillis() : t0 + trace.spanMillis();
            if (!stalled) {
                stalled = waitUntil(end);
            }
            bar.done();
        } finally {
            clock.poll(dir);
            for (Process p : hosts) {
                p.destroyForcibly();
            }
            for (Process p : coordinators) {
                p.destroyForcibly();
            }
            for (Process p : hosts) {
                p.waitFor(20, TimeUnit.SECONDS);
            }
            for (Process p : coordinators) {
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
        long endMs = end;
        List<Goodput.Life> lives = new ArrayList<>(ended);
        live.keySet().forEach(n -> lives.add(new Goodput.Life(n, started.get(n), -1, endMs)));
        Map<String, Long> active = ChurnEvents.firstActive(dir.resolve("membership.csv"));
        List<Goodput.Life> withActive = lives.stream().map(l -> new Goodput.Life(l.node(), l.startMs(),
                active.containsKey(l.node()) ? Math.max(l.startMs(), active.get(l.node())) : -1, l.endMs())).toList();
        Goodput.Result g = Goodput.of(t0, endMs, withActive, clock.times(), removals, rate, batch);
        long committedInFile = LocalRun.committedSteps(dir);
        RunAudit audit = RunAudit.ofFirst(dir, run.cfg(), run.cfg().dataset().trainSize(), committedInFile);
        Result r = new Result(dir, trace, speedup, g, audit, ChurnEvents.counts(dir.resolve("membership.csv")),
                (System.nanoTime() - begin) / 1e9, stalled);
        ChurnReport.print(r, params, chunkSeconds, chunksPerStep, link);
        ChurnReport.json(dir.resolve("churn.json"), r, run.cfg().cluster().aggregation(), params, chunkSeconds,
                chunksPerStep, link);
        Path png = dir.resolve("churn.png");
        ChurnReport.plot(png, t0, endMs, withActive, clock.times(), rate, batch);
        System.out.println("plot: " + png);
        return r;
    }

    /** Sleeps until {@code due} while recording commits; true when the run stalled (no commit for a long time). */
    private boolean waitUntil(long due) throws Exception {
        while (System.currentTimeMillis() < due) {
            clock.poll(dir);
            if (clock.sinceLastMillis() > STALLED_MILLIS) {
                System.err.printf("churn: no commit for %d s: the run is stuck; the replay stops%n", STALLED_MILLIS / 1000);
                return true;
            }
            Thread.sleep(Math.max(1, Math.min(50, due - System.currentTimeMillis())));
        }
        return false;
    }

    /** Starts {@code node} on the host with the fewest live workers. */
    private void add(String node) throws IOException {
        if (live.containsKey(node)) {
            return;
        }
        int host = 0;
        for (int h = 1; h < hosts.size(); h++) {
            if (count(h) < count(host)) {
                host = h;
            }
        }
        command(host, "start " + node);
        live.put(node, host);
        started.put(node, System.currentTimeMillis());
    }

    private long count(int host) {
        return live.values().stream().filter(h -> h == host).count();
    }

    private void remove(String node) throws IOException {
        Integer host = live.remove(node);
        if (host == null) {
            return;
        }
        long now = System.currentTimeMillis();
        command(host, "kill " + node); // a preemption: no drain
        removals.add(now);
        ended.add(new Goodput.Life(node, started.get(node), -1, now));
    }

    private void command(int host, String line) throws IOException {
        java.io.Writer in = hostInputs.get(host);
        in.write(line + "\n");
        in.flush();
    }

    private void startHost(int h) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker", "--join", String.join(",", seeds), "--threads", "1",
                "--simulate", params + ":" + chunkSeconds, "--emulate-link", link, "--hosted"));
        List<String> jvm = new ArrayList<>(List.of("-Xmx3g", HOST_GC, "-Xlog:gc:file=" + dir.resolve("host-" + h + "-gc.log")));
        jvm.addAll(List.of(clusterFlags));
        Process p = LocalRun.startWorker(List.of(), args, "host-" + h, dir, kernels, jvm.toArray(String[]::new));
        hosts.add(p);
        hostInputs.add(new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private void startCoordinator(CoordinatorCommand.Prepared run) throws IOException {
        String address = "127.0.0.1:" + LocalRun.freePort();
        List<String> args = new ArrayList<>(List.of("coordinator", "--config", run.dir().path().resolve("config.yaml")
                .toString(), "--bind", address, "--emulate-link", link));
        if (!seeds.isEmpty()) {
            args.addAll(List.of("--join", String.join(",", seeds)));
        }
        coordinators.add(LocalRun.start(args, dir.resolve("coordinator-" + coordinators.size() + ".log"), clusterFlags));
        seeds.add(address);
    }

    /** When each step committed, as seen by polling commits.csv (its appended lines, read incrementally). */
    static final class CommitClock {
        private final List<Long> times = new ArrayList<>();
        private long offset;
        private boolean header = true;

        /** Reads what was appended since the last poll; returns the steps committed so far. */
        long poll(Path dir) throws IOException {
            Path f = dir.resolve("commits.csv");
            if (!Files.exists(f)) {
                return 0;
            }
            try (RandomAccessFile in = new RandomAccessFile(f.toFile(), "r")) {
                long length = in.length();
                if (length > offset) {
                    byte[] b = new byte[(int) (length - offset)];
                    in.seek(offset);
                    in.readFully(b);
                    int lastNewline = -1;
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < b.length; i++) {
                        if (b[i] == '\n') {
                            if (!header) {
                                times.add(now);
                            }
                            header = false;
                            lastNewline = i;
                        }
                    }
                    offset += lastNewline + 1; // a line being written is read whole next time
                }
            }
            return times.size();
        }

        long count() {
            return times.size();
        }

        List<Long> times() {
            return List.copyOf(times);
        }

        long sinceLastMillis() {
            return times.isEmpty() ? 0 : System.currentTimeMillis() - times.get(times.size() - 1);
        }
    }
}
