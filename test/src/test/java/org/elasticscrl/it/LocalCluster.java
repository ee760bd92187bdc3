package org.elasticscrl.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy;

/**
 * Child JVMs of the product on loopback — a coordinator and workers started, stopped and killed
 * like real processes — with the run directory's files to watch and check.
 */
final class LocalCluster implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> nodeFlags;
    /** Environment of every child (e.g. TLS passwords, which never go on a command line). */
    private final Map<String, String> env = new HashMap<>();
    private Process coordinator;
    private final List<Process> coordinators = new ArrayList<>();
    /** Nodes started from now on also load this module's test classes (a test's failure detector, say). */
    private boolean testClasses;
    /** Compute threads of every worker and of {@link #runSingle}: I4 compares runs at one thread count. */
    private int threads = 1;

    /** {@code nodeFlags}: JVM flags of every node, e.g. {@code -Dscrl.cluster.stable-after=8s}. */
    private final int operatorPort;

    LocalCluster(Path dir, String... nodeFlags) {
        this.dir = dir;
        this.port = freePort();
        this.operatorPort = freePort();
        this.nodeFlags = List.of(nodeFlags);
    }

    Path dir() {
        return dir;
    }

    String seed() {
        return "127.0.0.1:" + port;
    }

    /** The active coordinator's operator endpoint (a port of its own: clusters of earlier tests may linger). */
    int operatorPort() {
        return operatorPort;
    }

    void startCoordinator(List<String> args) {
        List<String> all = new ArrayList<>(List.of("coordinator", "--bind", seed(), "--save_dir=" + dir.toAbsolutePath(),
                "--operator-port", Integer.toString(operatorPort)));
        all.addAll(args);
        coordinator = start(all, "coordinator.log", nodeFlags.toArray(String[]::new));
        coordinators.add(coordinator);
    }

    /**
     * A standby coordinator on its own port, joining the first; the run's end is then awaited on
     * it (it takes over if the first dies, and exits after it otherwise). Returns the first. It is given
     * no --save_dir — as an operator easily forgets it: it must adopt the active run's directory (anything
     * it created of its own would land under {@code standby-runs/}).
     */
    Process startStandby(List<String> args) {
        Process first = coordinator;
        coordinator = start(standbyArgs(args), "standby.log", nodeFlags.toArray(String[]::new));
        coordinators.add(coordinator);
        return first;
    }

    /** A standby coordinator that is expected to refuse to start: run to its end, its exit code returned. */
    int runStandby(List<String> args, String log, long timeoutSeconds) throws InterruptedException {
        return runTool(standbyArgs(args), log, timeoutSeconds);
    }

    private List<String> standbyArgs(List<String> args) {
        List<String> all = new ArrayList<>(List.of("coordinator", "--bind", "127.0.0.1:" + freePort(), "--join", seed(),
                "--operator-port", "0",
                "--top_dir", dir.resolve("standby-runs").toString()));
        all.addAll(args);
        return all;
    }

    Process startWorker(String id, String... extra) {
        return startWorker(id, List.of(), extra);
    }

    /**
     * A worker JVM with extra JVM flags (e.g. {@code -Dscrl.protocol.fake-version=9}), its deterministic
     * kernels and fatal-error reports ({@code crashes/ID}) set from the start, as {@code scrl local} starts
     * them: it never starts itself again, so the process is the worker. Starting the same id again is its
     * next JVM (it reads that directory).
     */
    Process startWorker(String id, List<String> jvmFlags, String... extra) {
        Path crashes = crashDir(id);
        List<String> args = new ArrayList<>(List.of("worker", "--join", seed(), "--id", id, "--threads",
                Integer.toString(threads), "--crash-dir", crashes.toString()));
        args.addAll(List.of(extra));
        List<String> flags = new ArrayList<>(nodeFlags);
        flags.add(ComputeJvm.errorFileFlag(crashes));
        flags.addAll(jvmFlags);
        return start(args, id + ".log", flags.toArray(String[]::new));
    }

    /** Where worker {@code id}'s JVMs write their fatal-error reports. */
    Path crashDir(String id) {
        try {
            return Files.createDirectories(dir.resolve("crashes").resolve(id)).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nodes started from now on have this module's test classes on their classpath too. */
    LocalCluster withTestClasses() {
        testClasses = true;
        return this;
    }

    /** Workers started from now on, and {@link #runSingle}, compute on {@code n} threads (default 1). */
    LocalCluster threads(int n) {
        threads = n;
        return this;
    }

    /**
     * A JVM running {@code mainClass} of this module's tests (a rogue node, say) with the product's
     * classpath plus the tests', output to {@code log}.
     */
    Process startTestMain(Class<?> mainClass, List<String> args, String log) {
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-Xss4m", "-Xmx512m", "-cp", classpathWithTests(),
                mainClass.getName()));
        cmd.addAll(args);
        return launch(cmd, log, Map.of());
    }

    /** Kills (SIGKILL) every coordinator JVM and waits for them to be gone. */
    void killCoordinators() throws IOException, InterruptedException {
        for (Process p : coordinators) {
            if (p.isAlive()) {
                signal(p, "KILL");
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends a POSIX signal ({@code KILL}, {@code STOP}, {@code CONT}) to a node. */
    static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " " + p.pid() + " failed");
        }
    }

    /** Sets an environment variable for every child started from now on. */
    LocalCluster env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** A child's log so far ({@code coordinator.log}, {@code <id>.log}). */
    String log(String name) {
        try {
            Path f = dir.resolve(name);
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code scrl train} in a child JVM computing on as many threads as the cluster's workers (so the
     * same floats), writing into {@code saveDir}; waits for it.
     */
    int runSingle(List<String> args, Path saveDir, long timeoutSeconds) throws InterruptedException {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(args);
        all.add("--save_dir=" + saveDir.toAbsolutePath());
        Process p = start(all, "single.log", "-Dai.djl.pytorch.num_threads=" + threads);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("scrl train did not finish in " + timeoutSeconds + " s; see " + dir.resolve("single.log"));
        }
        return p.exitValue();
    }

    /** Runs {@code scrl args…} in a child JVM to its end; returns its exit code. */
    int runTool(List<String> args, String log, long timeoutSeconds) throws InterruptedException {
        Process p = start(args, log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scrl " + args.get(0) + " did not finish in " + timeoutSeconds + " s; see "
                    + dir.resolve(log));
        }
        return p.exitValue();
    }

    /** What {@code scrl args…} prints (stdout; stderr goes to {@code log}), given {@code stdin}; fails on a non-zero exit. */
    String output(List<String> args, String stdin, String log, long timeoutSeconds) throws Exception {
        String javaBin = javaCommand();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Dai.djl.offline=true", "-cp", classpath(),
                "org.elasticscrl.cli.Scrl"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scrl " + args.get(0) + " did not finish in " + timeoutSeconds + " s; see " + log);
        }
        String text = out.get(10, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            throw new AssertionError("scrl " + String.join(" ", args) + " exited " + p.exitValue() + ": " + text
                    + "\n" + log(log));
        }
        return text;
    }

    private Process start(List<String> args, String log, String... jvmFlags) {
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-Xss4m", "-Xmx2g", "-Dai.djl.offline=true"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", testClasses ? classpathWithTests() : classpath(), "org.elasticscrl.cli.Scrl"));
        cmd.addAll(args);
        Map<String, String> nodeEnv = new HashMap<>(Map.of("MALLOC_MMAP_THRESHOLD_", "4294967296",
                "MALLOC_TRIM_THRESHOLD_", "4294967296"));
        // the CPU presets' deterministic kernels, set before the JVM starts (a relaunch would hide the pid)
        nodeEnv.putAll(ComputeJvm.environment(KernelPolicy.Choice.DETERMINISTIC));
        return launch(cmd, log, nodeEnv);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code cmd}, output appended to {@code log}, with {@code extraEnv} and then this cluster's env. */
    private Process launch(List<String> cmd, String log, Map<String, String> extraEnv) {
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
            pb.environment().putAll(extraEnv);
            pb.environment().putAll(env);
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Steps committed so far (lines of commits.csv). */
    long committed() {
        Path f = dir.resolve("commits.csv");
        try {
            if (!Files.exists(f)) {
                return 0;
            }
            try (var lines = Files.lines(f)) {
                return Math.max(0, lines.count() - 1);
            }
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits until {@code steps} are committed; fails naming the logs when the coordinator dies or time runs out. */
    void awaitCommitted(long steps, long timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (committed() < steps) {
            if (coordinators.stream().noneMatch(Process::isAlive)) {
                throw new AssertionError("coordinator exited (" + coordinator.exitValue() + ") at step " + committed()
                        + "; see " + dir.resolve("coordinator.log"));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + committed() + " of " + steps + " steps after " + timeoutSeconds + " s; logs in " + dir);
            }
            Thread.sleep(200);
        }
    }

    /** Waits for the coordinator to finish the run; returns its exit code. */
    int awaitCoordinator(long timeoutSeconds) throws InterruptedException {
        if (!coordinator.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("run not finished after " + timeoutSeconds + " s (" + committed() + " steps); logs in " + dir);
        }
        return coordinator.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                try {
                    signal(p, "CONT"); // a stopped node would never exit
                } catch (IOException | AssertionError e) {
                    // exited meanwhile
                }
            }
            if (p.isAlive() && !p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String classpathWithTests() {
        return classpath() + System.getProperty("path.separator") + Path.of("target/test-classes").toAbsolutePath();
    }

    private static String classpath() {
        try {
            return Files.readString(Path.of("target/child-classpath.txt")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("target/child-classpath.txt is written by the build (mvn verify)", e);
        }
    }

    private static int freePort() {
        try {
            return org.elasticscrl.node.FreePorts.pick();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
