package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.report.LineChart;
import org.elasticscrl.report.Table;

/** A churn replay's table (goodput, where the rest went, the audit) and its plot. */
final class ChurnReport {
    private ChurnReport() {}

    static void print(ChurnBench.Result r, long params, double chunkSeconds, int chunksPerStep, String link) {
        Goodput.Result g = r.goodput();
        Table t = new Table("", "");
        t.row("trace", r.trace().name() + " (" + r.trace().events().size() + " events, at most " + r.trace().peakAlive()
                + " workers at once)");
        t.row("speedup", String.format(Locale.ROOT, "%.0fx", r.speedup()));
        t.row("simulated worker", String.format(Locale.ROOT, "P = %,d (bf16), %.3f s a chunk, %d chunks a step, %s link",
                params, chunkSeconds, chunksPerStep, link));
        t.row("goodput", String.format(Locale.ROOT, "%.4f (%,.0f of %,.0f samples the live workers could have computed)",
                g.goodput(), g.committed(), g.capacity()));
        for (Map.Entry<String, Double> e : g.lost().entrySet()) {
            t.row("lost: " + e.getKey(), share(e.getValue(), g.capacity()));
        }
        t.row("steps committed in the replay", Integer.toString(g.steps()));
        r.events().forEach((k, v) -> t.row("coordinator events: " + k, Integer.toString(v)));
        RunAudit a = r.audit();
        t.row("audit: steps lost / committed twice", a.lostSteps() + " / " + a.repeatedSteps() + " (of " + a.committed()
                + ")");
        t.row("audit: samples missed / counted twice", a.missedSamples() + " / " + a.duplicatedSamples());
        t.row("audit: replica checksum mismatches", a.checksumMismatches() + " (" + a.commitsChecked() + " commits checked)");
        t.row("replay", String.format(Locale.ROOT, "%.1f min%s", r.seconds() / 60, r.stalled() ? ", STALLED" : ""));
        System.out.print(t);
        System.out.println("goodput: samples in committed steps / (time each worker was alive x one worker's standalone"
                + " rate); the trace's first events are the pool the replay starts from: the clock starts once the"
                + " coordinator has taken all of it in; a later worker is alive from its start, joining until taken in");
    }

    /** The figures as JSON, for scripts and tests. */
    static void json(Path file, ChurnBench.Result r, String aggregation, long params, double chunkSeconds,
            int chunksPerStep, String link) throws IOException {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("trace", r.trace().name());
        m.put("events", r.trace().events().size());
        m.put("adds", r.trace().adds());
        m.put("peak_alive", r.trace().peakAlive());
        m.put("speedup", r.speedup());
        m.put("aggregation", aggregation);
        m.put("parameters", params);
        m.put("chunk_seconds", chunkSeconds);
        m.put("chunks_per_step", chunksPerStep);
        m.put("link", link);
        m.put("goodput", r.goodput().goodput());
        m.put("capacity_samples", r.goodput().capacity());
        m.put("committed_samples", r.goodput().committed());
        m.put("lost_samples", r.goodput().lost());
        m.put("steps", r.goodput().steps());
        m.put("coordinator_events", r.events());
        m.put("audit", r.audit());
        m.put("stalled", r.stalled());
        m.put("seconds", r.seconds());
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), m);
    }

    private static String share(double samples, double capacity) {
        return String.format(Locale.ROOT, "%.4f (%,.0f samples)", samples / capacity, samples);
    }

    /**
     * The samples committed within [a, b): each step's batch spread evenly over the time from the previous commit to its
     * own (the first one's from {@code t0}, or from its own time when it committed before). Counting a step whole in
     * the bin it commits in made a line jump between 0 and twice the rate whenever bins were about a step long; and the
     * step under way at {@code t0} began at the commit before it, not at {@code t0}.
     */
    static double committedIn(List<Long> commits, long t0, long a, long b, int batch) {
        double samples = 0;
        Long previous = null;
        for (long c : commits) {
            long from = previous != null ? previous : Math.min(t0, c);
            if (c > from) {
                samples += (double) batch * Math.max(0, Math.min(c, b) - Math.max(from, a)) / (c - from);
            } else if (c > a && c <= b) {
                samples += batch; // committed at the same instant as the one before
            }
            previous = c;
        }
        return samples;
    }

    /** Alive workers and committed against possible throughput over the replay, one point per bin. */
    static void plot(Path png, long t0, long end, List<Goodput.Life> lives, List<Long> commits, double rate, int batch)
            throws IOException {
        long bin = Math.max(5_000, (end - t0) / 60);
        int bins = (int) Math.max(1, (end - t0 + bin - 1) / bin);
        double[] x = new double[bins];
        double[] alive = new double[bins];
        double[] active = new double[bins];
        double[] possible = new double[bins];
        double[] done = new double[bins];
        for (int i = 0; i < bins; i++) {
            long a = t0 + i * bin;
            long b = Math.min(end, a + bin);
            x[i] = (a + b - 2.0 * t0) / 2 / 60_000;
            double aliveMs = 0;
            double activeMs = 0;
            for (Goodput.Life l : lives) {
                aliveMs += Math.max(0, Math.min(l.endMs(), b) - Math.max(l.startMs(), a));
                long from = l.activeMs() < 0 ? Long.MAX_VALUE : l.activeMs();
                activeMs += Math.max(0, Math.min(l.endMs(), b) - Math.max(from, a));
            }
            alive[i] = aliveMs / (b - a);
            active[i] = activeMs / (b - a);
            possible[i] = alive[i] * rate;
            done[i] = committedIn(commits, t0, a, b, batch) / ((b - a) / 1000.0);
        }
        List<LineChart.Panel> panels = new ArrayList<>();
        panels.add(new LineChart.Panel("workers", "minutes of replay", List.of(new LineChart.Series("alive", x, alive),
                new LineChart.Series("taken in (active)", x, active))));
        panels.add(new LineChart.Panel("samples per second", "minutes of replay", List.of(
                new LineChart.Series("live workers could compute", x, possible),
                new LineChart.Series("committed", x, done))));
        Files.createDirectories(png.toAbsolutePath().getParent());
        LineChart.write(png, panels, 2);
    }
}
