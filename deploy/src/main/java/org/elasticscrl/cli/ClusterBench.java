package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.report.MetricsLog;
import org.elasticscrl.report.Csv;

/**
 * Cluster benchmarks, printed as ratios measured in one run on this machine (never asserted):
 * <ul>
 *   <li>{@code heterogeneity}: a full-speed and a half-speed worker (the {@code --throttle} option),
 *       each alone, then together: the slow worker's lease share per step against its speed share,
 *       and the pair's throughput against the sum of their standalone throughputs;</li>
 *   <li>{@code overhead}: a one-worker cluster against {@code scrl train} on the same configuration
 *       and thread count, interleaved, steady-state step time.</li>
 * </ul>
 * Steady state: the median step time after the first {@code warm} steps (JIT, allocator, speed
 * estimates). Every run is its own JVM(s) with one compute thread per worker.
 */
final class ClusterBench {
    private final Path top;
    private final int steps;
    private final int warm;
    private final List<String> overrides;

    ClusterBench(Path top, int steps, int warm, List<String> overrides) {
        this.top = top;
        this.steps = steps;
        this.warm = warm;
        this.overrides = overrides;
    }

    /** The benchmark's run: {@code steps} steps of one epoch, nothing else (no evaluations). */
    private List<String> args(int batch, int chunk, String... extra) {
        return runArgs(steps, batch, chunk, overrides, extra);
    }

    /** A benchmark run of {@code steps} steps of one epoch, nothing else (no evaluations); {@code overrides} last. */
    static List<String> runArgs(int steps, int batch, int chunk, List<String> overrides, String... extra) {
        List<String> a = new ArrayList<>(List.of("--dataset/train_size=" + steps * batch, "--dataset/eval_size=64",
                "--train/batch_size_train=" + batch, "--train/chunk_size=" + chunk, "--train/max_epochs=1",
                "--train/warmup_epochs=0", "--train/online_eval=false", "--train/snapshot_interval=1",
                "--eval/enabled=false"));
        a.addAll(List.of(extra));
        a.addAll(overrides);
        return a;
    }

    void heterogeneity(double throttle, boolean pin) throws Exception {
        // 12 chunks per step so that a 2:1 speed ratio can show as an 8:4 split
        List<String> a = args(96, 8, "--cluster/canonical_sum=false");
        System.out.printf("heterogeneity: scrl_cpu, %d steps of 96 images in 12 chunks, 1 thread per worker, worker-1"
                + " throttled to %.2f, %s%n", steps, throttle, pin ? "worker-i confined to core i (alone and together)"
                        : "every process on every core");
        // pinned: the fast worker on core 0 and the slow one on core 1, alone and together
        int core = pin ? 0 : -1;
        double fast = throughput(cluster("het_fast", a, oneThread(1).pinnedFrom(core)), 96);
        double slow = throughput(cluster("het_slow", a, oneThread(1, "0:" + throttle).pinnedFrom(pin ? 1 : -1)), 96);
        Path pair = cluster("het_pair", a, oneThread(2, "1:" + throttle).pinnedFrom(core));
        double both = throughput(pair, 96);
        double[] share = shares(pair, "worker-1");
        double expected = slow / (fast + slow);
        System.out.printf(Locale.ROOT, "  standalone: full speed %.1f images/s, throttled %.1f images/s%n", fast, slow);
        System.out.printf(Locale.ROOT, "  together:   %.1f images/s = %.3f x the sum of the standalone throughputs"
                + " (goal >= 0.9)%n", both, both / (fast + slow));
        System.out.printf(Locale.ROOT, "  throttled worker's lease share by step: %s%n", shareList(share));
        double settled = median(Arrays.copyOfRange(share, Math.min(share.length - 1, 10), share.length));
        System.out.printf(Locale.ROOT, "  its speed share %.3f; its median lease share from step 10 on %.3f"
                + " (one chunk = %.3f)%n", expected, settled, 1 / 12.0);
    }

    void overhead(int rounds) throws Exception {
        List<String> a = args(64, 32);
        System.out.printf("overhead: scrl_cpu, %d steps of 64 images in 2 chunks, 1 compute thread, %d interleaved"
                + " rounds%n", steps, rounds);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double single = medianStep(train("ovh_train", a));
            double clustered = medianStep(cluster("ovh_cluster", a, oneThread(1)));
            ratios[r] = clustered / single;
            System.out.printf(Locale.ROOT, "  round %d: scrl train %.3f s/step, 1-worker cluster %.3f s/step, ratio"
                    + " %.3f%n", r + 1, single, clustered, ratios[r]);
        }
        System.out.printf(Locale.ROOT, "  median ratio %.3f (goal <= 1.03)%n", median(ratios));
    }

    /**
     * {@code workers} from the start, each on one compute thread like the {@code scrl train} they are
     * compared with ({@link LocalRun.Script#of} would give them every core), {@code throttles} {@code i:F}.
     */
    private static LocalRun.Script oneThread(int workers, String... throttles) {
        return new LocalRun.Script(workers, List.of(), List.of(), List.of(throttles), 1, List.of());
    }

    private Path cluster(String name, List<String> a, LocalRun.Script script) throws Exception {
        List<String> named = new ArrayList<>(a);
        named.add("--save_dir=" + RunDirectory.createNext(top, name).path().toAbsolutePath());
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare("scrl_cpu", named, top);
        LocalRun.Outcome out = LocalRun.run(run, script, 0, steps, name);
        if (out.exitCode() != 0) {
            throw new IllegalStateException(name + ": the cluster run failed; see " + out.dir() + "/coordinator.log");
        }
        return out.dir();
    }

    private Path train(String name, List<String> a) throws Exception {
        Path dir = RunDirectory.createNext(top, name).path();
        List<String> cmd = new ArrayList<>(List.of("train", "--config", "scrl_cpu", "--save_dir=" + dir));
        cmd.addAll(a);
        Process p = LocalRun.start(List.of(), cmd, dir.resolve("train.log"), ComputeJvm.environment(Choice.DETERMINISTIC),
                "-Dai.djl.pytorch.num_threads=1");
        if (p.waitFor() != 0) {
            throw new IllegalStateException(name + ": scrl train failed; see " + dir.resolve("train.log"));
        }
        return dir;
    }

    /** Steady-state images/s of a run whose steps all hold {@code batch} images. */
    private double throughput(Path dir, int batch) throws IOException {
        return batch / medianStep(dir);
    }

    private double medianStep(Path dir) throws IOException {
        return medianStep(dir, warm);
    }

    /** The median step time of a run's metrics.csv after its first {@code warm} steps (its steady state). */
    static double medianStep(Path dir, int warm) throws IOException {
        try (MetricsLog log = new MetricsLog(dir)) {
            List<MetricsLog.StepRow> all = log.steps();
            return median(all.subList(Math.min(warm, all.size() - 1), all.size()).stream()
                    .mapToDouble(MetricsLog.StepRow::stepSeconds).toArray());
        }
    }

    /** Per committed step, the fraction of its chunks that {@code worker} computed (commits.csv). */
    private static double[] shares(Path dir, String worker) throws IOException {
        return Csv.dataRows(dir.resolve("commits.csv"), 11).stream().mapToDouble(row -> {
            String[] chunks = row[10].trim().split(" ");
            return Arrays.stream(chunks).filter(c -> c.endsWith(":" + worker)).count() / (double) chunks.length;
        }).toArray();
    }

    private static String shareList(double[] share) {
        StringBuilder b = new StringBuilder();
        for (double s : share) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", s));
        }
        return b.toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
