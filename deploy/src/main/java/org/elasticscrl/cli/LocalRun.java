package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy.Choice;

/**
 * A coordinator and worker JVMs on loopback, driven through a membership script: workers started
 * at the beginning, more started when the run reaches given steps, drains scripted on the
 * coordinator. What {@code scrl local}, the demo and the benchmarks run.
 */
final class LocalRun {
    /**
     * Who takes part when: {@code workers} at the start, one more at each {@code joinAt} step,
     * {@code leaveAt} entries {@code STEP[:i]} drain worker-i, {@code throttles} {@code i:F} run
     * worker-i at fraction F of full speed; {@code threads} per worker (null: cores / workers);
     * {@code nodeArgs} go to every node (TLS and secret options); {@code pinFrom} ≥ 0 confines worker-i
     * to CPU core {@code pinFrom + i} (mod the cores), as if each worker had a machine of its own
     * (benchmarks); -1 leaves every core to every process; {@code workerArgs} go to every worker only (e.g. a
     * benchmark's {@code --simulate}); {@code perJvm} > 1 packs that many simulated workers into each worker JVM
     * ({@code --simulated-workers}: JVM g runs worker-g-0, worker-g-1, …), so many fit on a small machine;
     * {@code links} entries {@code i:RATE[:LATENCY]} give worker JVM i another emulated link than {@code nodeArgs}'.
     */
    record Script(int workers, List<Long> joinAt, List<String> leaveAt, List<String> throttles, Integer threads,
            List<String> nodeArgs, int pinFrom, List<String> workerArgs, int perJvm, List<String> links) {
        Script {
            if (perJvm < 1 || (perJvm > 1 && (!workerArgs.contains("--simulate") || !joinAt.isEmpty()
                    || !leaveAt.isEmpty() || !throttles.isEmpty() || pinFrom >= 0))) {
                throw new IllegalArgumentException("workers per JVM: " + perJvm + " needs to be 1, or more for simulated"
                        + " workers that neither join, leave, run throttled nor pinned");
            }
        }

        Script(int workers, List<Long> joinAt, List<String> leaveAt, List<String> throttles, Integer threads,
                List<String> nodeArgs) {
            this(workers, joinAt, leaveAt, throttles, threads, nodeArgs, -1, List.of(), 1, List.of());
        }

        static Script of(int workers) {
            return new Script(workers, List.of(), List.of(), List.of(), null, List.of());
        }

        Script pinnedFrom(int core) {
            return new Script(workers, joinAt, leaveAt, throttles, threads, nodeArgs, core, workerArgs, perJvm, links);
        }

        Script withWorkerArgs(List<String> args) {
            return new Script(workers, joinAt, leaveAt, throttles, threads, nodeArgs, pinFrom, List.copyOf(args), perJvm,
                    links);
        }

        Script packed(int workersPerJvm) {
            return new Script(workers, joinAt, leaveAt, throttles, threads, nodeArgs, pinFrom, workerArgs, workersPerJvm,
                    links);
        }

        Script withLinks(List<String> perJvmLinks) {
            return new Script(workers, joinAt, leaveAt, throttles, threads, nodeArgs, pinFrom, workerArgs, perJvm,
                    List.copyOf(perJvmLinks));
        }
    }

    /** How a run ended: its directory, the coordinator's exit code and wall time. */
    record Outcome(Path dir, int exitCode, double seconds, int workersStarted) {}

    private LocalRun() {}

    /**
     * Runs {@code run} (a prepared run directory) to its end. {@code port} 0 picks a free one.
     * {@code totalSteps} sizes the progress bar.
     */
    static Outcome run(CoordinatorCommand.Prepared run, Script script, int port, long totalSteps, String label)
            throws Exception {
        Path dir = run.dir().path();
        String seed = "127.0.0.1:" + (port == 0 ? freePort() : port);
        List<String> coord = new ArrayList<>(List.of("coordinator", "--config", dir.resolve("config.yaml").toString(),
                "--bind", seed));
        coord.addAll(script.nodeArgs());
        // workers are named worker-i here: a bare index means that name, not the join order
        script.leaveAt().forEach(l -> coord.addAll(List.of("--leave-at",
                l.matches("\\d+:\\d+") ? l.replace(":", ":worker-") : l.matches("\\d+") ? l + ":worker-0" : l)));
        long start = System.nanoTime();
        List<Process> procs = new ArrayList<>();
        Process coordinator = start(coord, dir.resolve("coordinator.log"));
        procs.add(coordinator);
        int perWorker = script.threads() != null ? script.threads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, script.workers()));
        int started = 0;
        Choice kernels = Choice.of(run.cfg().train().deterministic());
        try {
            if (script.perJvm() > 1) {
                for (int g = 0; started < script.workers(); g++) {
                    int k = Math.min(script.perJvm(), script.workers() - started);
                    List<String> args = new ArrayList<>(worker(g, seed, perWorker, script));
                    args.addAll(List.of("--simulated-workers", Integer.toString(k)));
                    procs.add(startWorker(List.of(), args, "worker-" + g, dir, kernels, PACKED_GC));
                    started += k;
                }
            }
            for (; started < script.workers(); started++) {
                procs.add(startWorker(started, seed, perWorker, script, dir, kernels));
            }
            Progress bar = new Progress(label, Math.max(1, totalSteps));
            List<Long> joins = new ArrayList<>(script.joinAt());
            joins.sort(null);
            while (coordinator.isAlive()) {
                long steps = committedSteps(dir);
                while (!joins.isEmpty() && steps >= joins.get(0)) {
                    joins.remove(0);
                    bar.note(String.format(Locale.ROOT, "step %d: starting worker-%d", steps, started));
                    procs.add(startWorker(started, seed, perWorker, script, dir, kernels));
                    started++;
                }
                bar.update(Math.min(steps, totalSteps), started + " workers started");
                coordinator.waitFor(500, TimeUnit.MILLISECONDS);
            }
            bar.done();
        } finally {
            for (Process p : procs) {
                if (!p.waitFor(coordinator.isAlive() ? 0 : 15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        return new Outcome(dir, coordinator.exitValue(), (System.nanoTime() - start) / 1e9, started);
    }

    private static Process startWorker(int i, String seed, int threads, Script script, Path dir, Choice kernels)
            throws IOException {
        List<String> prefix = script.pinFrom() >= 0 ? List.of("taskset", "-c",
                Integer.toString((script.pinFrom() + i) % Runtime.getRuntime().availableProcessors()))
                : List.of();
        return startWorker(prefix, worker(i, seed, threads, script), "worker-" + i, dir, kernels);
    }

    /**
     * A worker JVM ({@code scrl worker args…}, without {@code --id}) that computes with {@code kernels} and
     * writes fatal-error reports into {@code runDir/crashes/ID} from its start: it never starts itself
     * again, so its pid is the worker's (what chaos and fault tests signal). Output to {@code ID.log}.
     */
    static Process startWorker(List<String> prefix, List<String> args, String id, Path runDir, Choice kernels,
            String... jvmFlags) throws IOException {
        Path crashes = Files.createDirectories(runDir.resolve("crashes").resolve(id));
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--id", id, "--kernels", kernels.name().toLowerCase(Locale.ROOT), "--crash-dir",
                crashes.toString()));
        List<String> flags = new ArrayList<>(List.of(jvmFlags));
        flags.add(ComputeJvm.errorFileFlag(crashes));
        return start(prefix, all, runDir.resolve(id + ".log"), ComputeJvm.environment(kernels),
                flags.toArray(String[]::new));
    }

    /**
     * A JVM of many simulated workers allocates and drops gradient-sized arrays (100 MB at ResNet-50's P) several times
     * a step per worker: G1 reclaims such humongous arrays where they lie, where the parallel collector copied them
     * through its young generation (16 workers in 2 JVMs: ~20 s of pauses in a 1.5-minute run, heartbeats 3.7 s late,
     * a JVM's 8 workers downed at once).
     */
    static final String PACKED_GC = "-XX:+UseG1GC";

    private static List<String> worker(int i, String seed, int threads, Script script) {
        List<String> args = new ArrayList<>(List.of("worker", "--join", seed, "--threads", Integer.toString(threads)));
        args.addAll(script.nodeArgs());
        args.addAll(script.workerArgs());
        for (String t : script.throttles()) {
            String[] p = t.split(":", 2);
            if (p.length != 2 || !p[0].matches("\\d+")) {
                throw new IllegalArgumentException("--throttle: '" + t + "' is not i:F (worker index : speed fraction)");
            }
            if (p[0].equals(Integer.toString(i))) {
                args.addAll(List.of("--throttle", p[1]));
            }
        }
        for (String l : script.links()) {
            String[] p = l.split(":", 2);
            if (p.length != 2 || !p[0].matches("\\d+")) {
                throw new IllegalArgumentException("links: '" + l + "' is not i:RATE[:LATENCY] (worker JVM : its link)");
            }
            if (p[0].equals(Integer.toString(i))) {
                int at = args.indexOf("--emulate-link"); // in place of every node's link: an option given once
                if (at >= 0) {
                    args.subList(at, at + 2).clear();
                }
                args.addAll(List.of("--emulate-link", p[1]));
            }
        }
        return args;
    }

    /** A child JVM running {@code scrl args…} with this JVM's classpath, output to {@code log}. */
    static Process start(List<String> args, Path log, String... jvmFlags) throws IOException {
        return start(List.of(), args, log, Map.of(), jvmFlags);
    }

    /**
     * The same, started through {@code prefix} (e.g. {@code taskset -c 1}) with {@code env} added to this
     * JVM's environment.
     */
    static Process start(List<String> prefix, List<String> args, Path log, Map<String, String> env, String... jvmFlags)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        boolean gcChosen = Arrays.stream(jvmFlags).anyMatch(f -> f.matches("-XX:\\+Use\\w+GC"));
        cmd.addAll(List.of(java, "-Xss4m", "-Dai.djl.offline=true"));
        if (!gcChosen) {
            cmd.add("-XX:+UseParallelGC");
        }
        cmd.addAll(List.of(jvmFlags));
        // tests run from a launcher jar: they name the product's classpath in scrl.child.classpath
        String classpath = System.getProperty("scrl.child.classpath", System.getProperty("java.class.path"));
        cmd.addAll(List.of("-cp", classpath, Scrl.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Sends a POSIX signal ({@code KILL}, {@code STOP}, {@code CONT}, {@code TERM}) to a child JVM. */
    static void signal(Process p, String signal) throws IOException, InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
    }

    static int freePort() throws IOException {
        return org.elasticscrl.node.FreePorts.pick();
    }

    /** Steps committed so far: lines of the coordinator's commits.csv. */
    static long committedSteps(Path dir) {
        Path f = dir.resolve("commits.csv");
        if (!Files.exists(f)) {
            return 0;
        }
        try (var lines = Files.lines(f)) {
            return Math.max(0, lines.count() - 1);
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // being written: read again on the next poll
        }
    }
}
