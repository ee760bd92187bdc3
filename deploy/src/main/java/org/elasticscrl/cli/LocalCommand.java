package org.elasticscrl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.elasticscrl.config.ScrlConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code scrl local --workers N --config …}: a coordinator and N worker JVMs on loopback, with
 * scripted membership changes ({@code --join-at STEP} starts one more worker when the run reaches
 * that step, {@code --leave-at STEP[:i]} drains worker i there) — for demos and tests.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run a coordinator and N workers as separate JVMs on this machine.")
final class LocalCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "2", description = "Workers at the start (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--config", required = true, description = "Preset or YAML file.")
    String config;

    @Option(names = "--port", defaultValue = "25520", description = "The coordinator's port on 127.0.0.1.")
    int port;

    @Option(names = "--join-at", description = "Start one more worker when the run reaches STEP (repeatable).")
    List<Long> joinAt = new ArrayList<>();

    @Option(names = "--leave-at", description = "STEP[:i]: drain worker i (join order, default 0) at STEP (repeatable).")
    List<String> leaveAt = new ArrayList<>();

    @Option(names = "--throttle", description = "i:F: worker i runs at fraction F of full speed (repeatable).")
    List<String> throttles = new ArrayList<>();

    @Option(names = "--threads", description = "Compute threads per worker (default: cores / workers).")
    Integer threads;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/ is created.")
    Path topDir;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        security.resolve(); // a mistake stops here, not in every child
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare(config, overrides, topDir);
        Path dir = run.dir().path();
        String seed = "127.0.0.1:" + port;
        List<String> coord = new ArrayList<>(List.of("coordinator", "--config", dir.resolve("config.yaml").toString(),
                "--bind", seed));
        coord.addAll(security.args());
        // workers are named worker-i here: a bare index means that name, not the join order
        leaveAt.forEach(l -> coord.addAll(List.of("--leave-at", l.matches("\\d+:\\d+") ? l.replace(":", ":worker-") : l)));
        List<Process> procs = new ArrayList<>();
        Process coordinator = start(coord, dir.resolve("coordinator.log"));
        procs.add(coordinator);
        int perWorker = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
        int started = 0;
        for (; started < workers; started++) {
            procs.add(start(worker(started, seed, perWorker), dir.resolve("worker-" + started + ".log")));
        }
        ScrlConfig cfg = run.cfg();
        long total = Math.max(1, cfg.train().maxEpochs() * stepsPerEpochGuess(cfg));
        Progress bar = new Progress("cluster", total);
        List<Long> joins = new ArrayList<>(joinAt);
        joins.sort(null);
        while (coordinator.isAlive()) {
            long steps = committedSteps(dir);
            while (!joins.isEmpty() && steps >= joins.get(0)) {
                joins.remove(0);
                System.err.printf("%nstep %d: starting worker-%d%n", steps, started);
                procs.add(start(worker(started, seed, perWorker), dir.resolve("worker-" + started + ".log")));
                started++;
            }
            bar.update(Math.min(steps, total), String.format(Locale.ROOT, "%d workers started", started));
            Thread.sleep(500);
        }
        bar.done();
        for (Process p : procs) {
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        System.out.print(ClusterResults.table(dir));
        System.out.println("logs and files: " + dir + " (coordinator.log, worker-N.log, commits.csv, checksums.csv,"
                + " membership.csv, metrics.csv, curves.png)");
        return coordinator.exitValue() == 0 ? 0 : 1;
    }

    private List<String> worker(int i, String seed, int n) {
        List<String> args = new ArrayList<>(List.of("worker", "--join", seed, "--id", "worker-" + i, "--threads",
                Integer.toString(n)));
        args.addAll(security.args());
        for (String t : throttles) {
            String[] p = t.split(":", 2);
            if (p.length == 2 && p[0].equals(Integer.toString(i))) {
                args.addAll(List.of("--throttle", p[1]));
            }
        }
        return args;
    }

    /** A child JVM running {@code scrl args…} with this JVM's classpath, output to {@code log}. */
    static Process start(List<String> args, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xss4m", "-XX:+UseParallelGC", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Scrl.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Steps per epoch when the data size is configured (fashion-scenes); else a bar in epochs' worth of 1. */
    private static long stepsPerEpochGuess(ScrlConfig cfg) {
        int size = cfg.dataset().trainSize() > 0 ? cfg.dataset().trainSize() : 1;
        return (size + cfg.train().batchSizeTrain() - 1) / cfg.train().batchSizeTrain();
    }

    /** Steps committed so far: lines of the coordinator's commits.csv. */
    static long committedSteps(Path dir) {
        try {
            Path f = dir.resolve("commits.csv");
            if (!Files.exists(f)) {
                return 0;
            }
            try (var lines = Files.lines(f)) {
                return Math.max(0, lines.count() - 1);
            }
        } catch (Exception e) {
            return 0;
        }
    }
}
