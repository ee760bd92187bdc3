package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling benchmark's arithmetic, pure: the bandwidth-optimal bytes and transfer time of one step, each node's
 * steady-state traffic from traffic.csv, and how busy the machine's cores were from two /proc/stat samples.
 */
final class ScalingFigures {
    private ScalingFigures() {}

    /**
     * Bytes each node sends (and receives) per step with a bandwidth-optimal all-reduce (reduce-scatter, then
     * all-gather) of {@code params} values of {@code bytesPerValue} among {@code n} nodes: 2·P·(N−1)/N.
     */
    static double optimalBytes(long params, int bytesPerValue, int n) {
        return 2.0 * params * bytesPerValue * (n - 1) / n;
    }

    /** {@link #optimalBytes} over a link of {@code bytesPerSecond} each way, in seconds. */
    static double optimalSeconds(long params, int bytesPerValue, int n, double bytesPerSecond) {
        return optimalBytes(params, bytesPerValue, n) / bytesPerSecond;
    }

    /**
     * Each node's median per-step traffic — the larger of what it sent and received — over the rows of
     * {@code traffic.csv} from step {@code fromStep} on, by node, in file order.
     */
    static Map<String, Double> medianTraffic(Path trafficCsv, long fromStep) throws IOException {
        Map<String, List<Double>> byNode = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(trafficCsv);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",");
            if (f.length != 4 || Long.parseLong(f[0]) < fromStep) {
                continue;
            }
            byNode.computeIfAbsent(f[1], k -> new ArrayList<>())
                    .add((double) Math.max(Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        byNode.forEach((node, v) -> out.put(node, ClusterBench.median(v.stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    /**
     * How unsteady a run was: workers gone (unreachable, downed) and lease deadlines missed, from {@code membership.csv}
     * — on a machine with too few cores for its nodes, heartbeats come late and the step time measures the churn.
     */
    static int[] goneAndMissed(Path membershipCsv) throws IOException {
        int[] out = new int[2];
        for (String line : Files.readAllLines(membershipCsv)) {
            String[] f = line.split(",", 6);
            if (f.length >= 5) {
                out[0] += f[4].equals("gone") ? 1 : 0;
                out[1] += f[4].equals("deadline-missed") ? 1 : 0;
            }
        }
        return out;
    }

    /** The busiest node of {@code traffic} (its name and bytes per step), or ("-", 0) for none. */
    static Map.Entry<String, Double> busiest(Map<String, Double> traffic) {
        return traffic.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(Map.entry("-", 0.0));
    }

    /** The busy and total jiffies of every core, from /proc/stat's first line ({@code cpu  user nice system idle …}). */
    static long[] cpuJiffies(String procStatFirstLine) {
        String[] f = procStatFirstLine.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not /proc/stat's cpu line: " + procStatFirstLine);
        }
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0); // idle + iowait
        return new long[] {total - idle, total};
    }

    /** The share of core time that was busy between two {@link #cpuJiffies} samples (NaN if none passed). */
    static double busyShare(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total;
    }
}
