package org.elasticscrl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.protocol.blob.EmulatedLink;
import org.elasticscrl.report.LineChart;
import org.elasticscrl.report.Table;

/**
 * {@code scrl bench --what scaling}: the star path (every contribution into the coordinator, the mean out of it)
 * against the sharded path (workers sum each other's shards; the coordinator only decides) as the cluster grows.
 * Each size N runs both, one after the other: N simulated workers ({@code scrl worker --simulate P:SECONDS}, one
 * chunk each per step, so compute stays SECONDS per step whatever N), every node's transport over its own emulated
 * link; {@code --per-jvm K} packs K simulated workers into each worker JVM (each still a node with its own transport
 * and link), so that 16+ start on a small machine. Printed per run: the steady-state step time, the share of it a
 * worker is not computing, the step time against max(compute, the bandwidth-optimal transfer time
 * 2·P·(N−1)/N over the link), the busiest node's bytes per step (traffic.csv) against 2·P·(N−1)/N, the
 * coordinator's, and how busy this machine's cores were — above ≈ 0.9 the machine, not the emulated link, sets the
 * pace, and the step time says more about the machine than about the scheme. A table, then a PNG.
 */
final class ScalingBench {
    /** Samples per chunk: the simulated replica's compute time is per chunk, whatever its size. */
    private static final int CHUNK = 8;
    /** bf16 on the wire. */
    private static final int BYTES_PER_VALUE = 2;

    record Result(String mode, int n, double stepSeconds, double optimalSeconds, String busiest, double busiestBytes,
            double coordinatorBytes, double cpuBusy, String goneMissed) {}

    private final Path top;
    private final int steps;
    private final int warm;
    private final long params;
    private final double chunkSeconds;
    private final String link;
    private final double linkBytesPerSecond;
    private final int perJvm;
    private final List<String> paths;
    private final List<String> overrides;

    ScalingBench(Path top, int steps, long params, double chunkSeconds, String link, int perJvm, List<String> paths,
            List<String> overrides) {
        if (paths.isEmpty() || !List.of("star", "sharded").containsAll(paths)) {
            throw new IllegalArgumentException("scaling: --paths takes star and/or sharded, got " + paths);
        }
        if (params < 1 || params > Integer.MAX_VALUE || !(chunkSeconds >= 0) || steps < 4 || perJvm < 1) {
            throw new IllegalArgumentException("scaling: --params must be in 1.." + Integer.MAX_VALUE + ", --chunk-seconds"
                    + " >= 0, --steps >= 4 and --per-jvm >= 1; got " + params + ", " + chunkSeconds + ", " + steps + ", "
                    + perJvm);
        }
        this.perJvm = perJvm;
        this.paths = List.copyOf(paths);
        this.top = top;
        this.steps = steps;
        this.warm = Math.max(2, steps / 3);
        this.params = params;
        this.chunkSeconds = chunkSeconds;
        this.link = link;
        this.linkBytesPerSecond = EmulatedLink.parse(link, "--link").bytesPerSecond();
        this.overrides = overrides;
    }

    List<Result> run(List<Integer> sizes) throws Exception {
        System.out.printf(Locale.ROOT, "scaling: P = %,d values in bf16 (%.1f MB), %.2f s compute per step, every node"
                + " over an emulated %s link, %d steps (median from step %d), %d cores here, %d workers per JVM%n", params,
                params * BYTES_PER_VALUE / 1e6, chunkSeconds, link, steps, warm, Runtime.getRuntime().availableProcessors(),
                perJvm);
        List<Result> results = new ArrayList<>();
        for (int n : sizes) {
            if (n < 2) {
                throw new IllegalArgumentException("scaling: --sizes must be at least 2 workers each, got " + n);
            }
            for (String mode : paths) {
                try {
                    results.add(one(mode, n));
                } catch (IllegalStateException e) { // the others still say something: a row that says what failed
                    System.out.println(e.getMessage());
                    results.add(new Result(mode, n, Double.NaN, ScalingFigures.optimalSeconds(params, BYTES_PER_VALUE, n,
                            linkBytesPerSecond), "failed", Double.NaN, Double.NaN, Double.NaN, "-"));
                }
            }
        }
        print(results);
        Path png = top.resolve("scaling.png");
        plot(results, png);
        System.out.println("plot: " + png.toAbsolutePath());
        return results;
    }

    private Result one(String mode, int n) throws Exception {
        String name = "scaling_" + mode + "_" + n;
        Path dir = RunDirectory.createNext(top, name).path().toAbsolutePath();
        List<String> a = new ArrayList<>(ClusterBench.runArgs(steps, n * CHUNK, CHUNK, overrides,
                "--cluster/aggregation=" + mode, "--cluster/wire_dtype=bf16", "--cluster/canonical_sum=false"));
        a.add("--save_dir=" + dir);
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare("scrl_cpu", a, top);
        LocalRun.Script script = new LocalRun.Script(n, List.of(), List.of(), List.of(), 1,
                List.of("--emulate-link", link)).withWorkerArgs(List.of("--simulate", params + ":" + chunkSeconds)).packed(perJvm);
        CpuSampler cpu = new CpuSampler(dir, warm, steps);
        cpu.start();
        LocalRun.Outcome out = LocalRun.run(run, script, 0, steps, name);
        cpu.interrupt();
        cpu.join();
        if (out.exitCode() != 0) {
            throw new IllegalStateException(name + ": the cluster run failed; see " + dir.resolve("coordinator.log"));
        }
        double step = ClusterBench.medianStep(dir, warm);
        Map<String, Double> traffic = ScalingFigures.medianTraffic(dir.resolve("traffic.csv"), warm);
        Map.Entry<String, Double> busiest = ScalingFigures.busiest(traffic);
        int[] churn = ScalingFigures.goneAndMissed(dir.resolve("membership.csv"));
        return new Result(mode, n, step, ScalingFigures.optimalSeconds(params, BYTES_PER_VALUE, n, linkBytesPerSecond),
                busiest.getKey(), busiest.getValue(), traffic.getOrDefault("coordinator", 0.0), cpu.busy(),
                churn[0] + " / " + churn[1]);
    }

    private void print(List<Result> results) {
        Table t = new Table("path", "N", "step s", "compute s", "not computing", "optimal transfer s",
                "step / max(both)", "busiest node", "its MB/step", "/ 2P(N-1)/N", "coordinator MB/step", "cores busy", "gone / missed");
        for (Result r : results) {
            double optimalBytes = ScalingFigures.optimalBytes(params, BYTES_PER_VALUE, r.n());
            t.row(r.mode(), Integer.toString(r.n()), f(r.stepSeconds()), f(chunkSeconds),
                    f(1 - chunkSeconds / r.stepSeconds()), f(r.optimalSeconds()),
                    f(r.stepSeconds() / Math.max(chunkSeconds, r.optimalSeconds())), r.busiest(),
                    f(r.busiestBytes() / 1e6), f(r.busiestBytes() / optimalBytes), f(r.coordinatorBytes() / 1e6),
                    f(r.cpuBusy()), r.goneMissed());
        }
        System.out.print(t);
        System.out.println("not computing: the share of a step a worker waits (transfers, sums, the coordinator's"
                + " decisions, this machine's cores); gone / missed: workers lost and deadlines missed (a run that is"
                + " not steady; the last steps' leavers count too); goals (sharded, N = 8 and 16): busiest node <= 1.1 x 2P(N-1)/N;"
                + " step <= 1.15 x max(compute, optimal transfer) where the cores are not the limit");
    }

    private void plot(List<Result> results, Path png) throws java.io.IOException {
        List<LineChart.Series> time = new ArrayList<>();
        List<LineChart.Series> bytes = new ArrayList<>();
        for (String mode : List.of("star", "sharded")) {
            List<Result> of = results.stream().filter(r -> r.mode().equals(mode)).toList();
            double[] x = of.stream().mapToDouble(Result::n).toArray();
            time.add(new LineChart.Series(mode, x, of.stream().mapToDouble(Result::stepSeconds).toArray()));
            bytes.add(new LineChart.Series(mode + " (busiest node)", x,
                    of.stream().mapToDouble(r -> r.busiestBytes() / 1e6).toArray()));
            if (mode.equals("sharded")) {
                time.add(new LineChart.Series("max(compute, optimal transfer)", x,
                        of.stream().mapToDouble(r -> Math.max(chunkSeconds, r.optimalSeconds())).toArray()));
                bytes.add(new LineChart.Series("2P(N-1)/N", x, of.stream()
                        .mapToDouble(r -> ScalingFigures.optimalBytes(params, BYTES_PER_VALUE, r.n()) / 1e6).toArray()));
            }
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        LineChart.write(png, List.of(new LineChart.Panel("step time (s)", "workers N", time),
                new LineChart.Panel("busiest node, MB per step", "workers N", bytes)), 2);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** How busy the cores were between the run's step {@code from} and its step {@code to} (/proc/stat; NaN elsewhere). */
    private static final class CpuSampler extends Thread {
        private final Path dir;
        private final long from;
        private final long to;
        private long[] first;
        private long[] last;

        CpuSampler(Path dir, long from, long to) {
            super("scaling-cpu-sampler");
            setDaemon(true);
            this.dir = dir;
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            try {
                while (last == null) {
                    long steps = LocalRun.committedSteps(dir);
                    if (first == null && steps >= from) {
                        first = sample();
                    } else if (first != null && steps >= to - 1) {
                        last = sample();
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException | java.io.IOException | RuntimeException e) {
                // the run ended first, or there is no /proc/stat: busy() says NaN
            }
        }

        private static long[] sample() throws java.io.IOException {
            return ScalingFigures.cpuJiffies(Files.readAllLines(Path.of("/proc/stat")).get(0));
        }

        double busy() {
            return first == null || last == null ? Double.NaN : ScalingFigures.busyShare(first, last);
        }
    }
}
