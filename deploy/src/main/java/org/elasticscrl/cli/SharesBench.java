package org.elasticscrl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.report.Table;

/**
 * {@code scrl bench --what shares}: sharded aggregation over links of two kinds — worker-0 on a fast link, every other
 * node on a slow one — with the owners' shares equal ({@code cluster.shard_shares: equal}) against shares sized by the
 * links' measured rates ({@code measured}), side by side: for each size N, rounds of one run of each, interleaved.
 * Printed per run: the steady-state step time, the fast node's and the busiest slow node's bytes per step
 * (traffic.csv) and the rates the coordinator measured (its last {@code shards} event); then, per N, the median step
 * time with measured shares over the one with equal shares.
 *
 * <p>Each worker runs in a JVM of its own (a link is per JVM), simulated ({@code --simulate P:SECONDS}: compute
 * stays SECONDS per step) so that the links, not this machine's cores, set the pace as far as they can.
 */
final class SharesBench {
    private static final int CHUNK = 8;

    record Result(String shares, int n, int round, double stepSeconds, double fastBytes, double slowBytes,
            String measured) {}

    private final Path top;
    private final int steps;
    private final int warm;
    private final long params;
    private final double chunkSeconds;
    private final String slowLink;
    private final String fastLink;
    private final List<String> overrides;

    SharesBench(Path top, int steps, long params, double chunkSeconds, String slowLink, String fastLink,
            List<String> overrides) {
        if (params < 1 || params > Integer.MAX_VALUE || !(chunkSeconds >= 0) || steps < 6) {
            throw new IllegalArgumentException("shares: --params must be in 1.." + Integer.MAX_VALUE + ", --chunk-seconds"
                    + " >= 0 and --steps >= 6 (shares move once links are measured); got " + params + ", "
                    + chunkSeconds + ", " + steps);
        }
        org.elasticscrl.protocol.blob.EmulatedLink.parse(slowLink, "--link");
        org.elasticscrl.protocol.blob.EmulatedLink.parse(fastLink, "--fast-link");
        this.top = top;
        this.steps = steps;
        this.warm = Math.max(3, steps / 3);
        this.params = params;
        this.chunkSeconds = chunkSeconds;
        this.slowLink = slowLink;
        this.fastLink = fastLink;
        this.overrides = overrides;
    }

    List<Result> run(List<Integer> sizes, int rounds) throws Exception {
        System.out.printf(Locale.ROOT, "shares: P = %,d values in bf16 (%.1f MB), %.2f s compute per step, worker-0 over"
                + " an emulated %s link, every other node over %s, %d steps (median from step %d), %d rounds, %d cores"
                + " here%n", params, params * 2 / 1e6, chunkSeconds, fastLink, slowLink, steps, warm, rounds,
                Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        for (int n : sizes) {
            if (n < 3) {
                throw new IllegalArgumentException("shares: --sizes must be at least 3 workers each (with 2, any split"
                        + " moves 2P through each node), got " + n);
            }
            for (int round = 1; round <= rounds; round++) {
                for (String shares : List.of("equal", "measured")) {
                    results.add(one(shares, n, round));
                }
            }
        }
        print(results, sizes);
        return results;
    }

    private Result one(String shares, int n, int round) throws Exception {
        String name = "shares_" + shares + "_" + n;
        Path dir = RunDirectory.createNext(top, name).path().toAbsolutePath();
        List<String> a = new ArrayList<>(ClusterBench.runArgs(steps, n * CHUNK, CHUNK, overrides,
                "--cluster/aggregation=sharded", "--cluster/shard_shares=" + shares, "--cluster/wire_dtype=bf16",
                "--cluster/canonical_sum=false"));
        a.add("--save_dir=" + dir);
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare("scrl_cpu", a, top);
        LocalRun.Script script = new LocalRun.Script(n, List.of(), List.of(), List.of(), 1,
                List.of("--emulate-link", slowLink)).withWorkerArgs(List.of("--simulate", params + ":" + chunkSeconds))
                .withLinks(List.of("0:" + fastLink));
        LocalRun.Outcome out = LocalRun.run(run, script, 0, steps, name + " round " + round);
        if (out.exitCode() != 0) {
            throw new IllegalStateException(name + ": the cluster run failed; see " + dir.resolve("coordinator.log"));
        }
        Map<String, Double> traffic = ScalingFigures.medianTraffic(dir.resolve("traffic.csv"), warm);
        double slow = traffic.entrySet().stream().filter(e -> e.getKey().startsWith("worker-")
                && !e.getKey().equals("worker-0")).mapToDouble(Map.Entry::getValue).max().orElse(Double.NaN);
        return new Result(shares, n, round, ClusterBench.medianStep(dir, warm),
                traffic.getOrDefault("worker-0", Double.NaN), slow, lastMeasured(dir.resolve("membership.csv")));
    }

    /** The links the coordinator measured when it last told the owners (its last {@code shards} event), or "-". */
    private static String lastMeasured(Path membershipCsv) throws java.io.IOException {
        String last = "-";
        for (String line : Files.readAllLines(membershipCsv)) {
            int at = line.indexOf("links measured: ");
            if (line.contains(",shards,") && at >= 0) {
                last = line.substring(at + "links measured: ".length()).replace("\"", "");
            }
        }
        return last;
    }

    private void print(List<Result> results, List<Integer> sizes) {
        Table t = new Table("shares", "N", "round", "step s", "worker-0 MB/step", "busiest slow node MB/step",
                "links measured (last)");
        for (Result r : results) {
            t.row(r.shares(), Integer.toString(r.n()), Integer.toString(r.round()), f(r.stepSeconds()),
                    f(r.fastBytes() / 1e6), f(r.slowBytes() / 1e6), r.measured());
        }
        System.out.print(t);
        Table ratio = new Table("N", "median step, equal s", "median step, measured s", "measured / equal",
                "busiest slow node, measured / equal");
        for (int n : sizes) {
            double equal = median(results, n, "equal", Result::stepSeconds);
            double measured = median(results, n, "measured", Result::stepSeconds);
            ratio.row(Integer.toString(n), f(equal), f(measured), f(measured / equal),
                    f(median(results, n, "measured", Result::slowBytes) / median(results, n, "equal", Result::slowBytes)));
        }
        System.out.print(ratio);
        System.out.println("a slow node moves 4P(N-1)/N per step with equal shares (each way half); with measured shares"
                + " the fast link owns more, and each slow node moves less — down to 2P when it owns nothing");
    }

    private static double median(List<Result> results, int n, String shares,
            java.util.function.ToDoubleFunction<Result> of) {
        return ClusterBench.median(results.stream().filter(r -> r.n() == n && r.shares().equals(shares)).mapToDouble(of)
                .toArray());
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
