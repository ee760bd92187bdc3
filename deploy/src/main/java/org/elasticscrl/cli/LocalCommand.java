package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.plan.EpochPlan;
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

    @Option(names = "--port", defaultValue = "25520", description = "The coordinator's port on 127.0.0.1 (0: any free port).")
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
        LocalRun.Script script = new LocalRun.Script(workers, joinAt, leaveAt, throttles, threads, security.args());
        LocalRun.Outcome out = LocalRun.run(run, script, port, totalSteps(run.cfg()), "cluster");
        System.out.print(ClusterResults.table(out.dir()));
        System.out.println("logs and files: " + out.dir() + " (coordinator.log, worker-N.log, commits.csv, checksums.csv,"
                + " membership.csv, metrics.csv, curves.png)");
        return out.exitCode() == 0 ? 0 : 1;
    }

    /** The run's steps when the data size is configured (fashion-scenes); else one per epoch, for the bar. */
    static long totalSteps(ScrlConfig cfg) {
        int size = cfg.dataset().trainSize();
        long perEpoch = size > 0 ? EpochPlan.stepsPerEpoch(size, cfg.train().batchSizeTrain()) : 1;
        return Math.max(1, perEpoch * cfg.train().maxEpochs());
    }
}
