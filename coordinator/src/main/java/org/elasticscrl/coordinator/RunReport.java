package org.elasticscrl.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.report.LineChart;
import org.elasticscrl.report.MetricsLog;
import org.elasticscrl.report.Timeline;
import org.elasticscrl.report.Csv;

/**
 * A run's report, from the files of its directory: PNG plots — loss, online-evaluation accuracy, LR
 * and τ, per-worker throughput, the membership timeline with joins, leaves and faults — and
 * {@code report.html} showing them with the results and the final evaluation table. Written at the
 * end of every cluster run, and by {@code scrl report RUN_DIR} for any run directory.
 */
public final class RunReport {
    static final List<String> PLOTS = List.of("loss.png", "accuracy.png", "schedules.png", "throughput.png",
            "timeline.png");

    private RunReport() {}

    /** Writes the plots and {@code report.html} into {@code dir}; returns the HTML file. */
    public static Path write(Path dir, MetricsLog metrics) throws IOException {
        List<MetricsLog.StepRow> steps = metrics.steps();
        List<MetricsLog.EpochRow> epochs = metrics.epochs();
        double[] x = steps.stream().mapToDouble(MetricsLog.StepRow::globalStep).toArray();
        LineChart.write(dir.resolve("loss.png"), List.of(new LineChart.Panel("self-supervised loss", "global step",
                List.of(new LineChart.Series("loss", x, steps.stream().mapToDouble(MetricsLog.StepRow::sslLoss).toArray())))), 1);
        LineChart.write(dir.resolve("accuracy.png"), List.of(new LineChart.Panel("online evaluation accuracy (%)",
                "epoch", List.of(new LineChart.Series("eval split", epochs.stream().mapToDouble(MetricsLog.EpochRow::epoch)
                        .toArray(), epochs.stream().mapToDouble(e -> 100 * e.onlineAccuracy()).toArray())))), 1);
        LineChart.write(dir.resolve("schedules.png"), List.of(
                new LineChart.Panel("learning rate", "global step", List.of(new LineChart.Series("lr", x,
                        steps.stream().mapToDouble(MetricsLog.StepRow::lr).toArray()))),
                new LineChart.Panel("EMA momentum tau", "global step", List.of(new LineChart.Series("tau", x,
                        steps.stream().mapToDouble(MetricsLog.StepRow::tau).toArray())))), 2);
        List<String[]> commits = Csv.dataRows(dir.resolve("commits.csv"), 0);
        LineChart.write(dir.resolve("throughput.png"), List.of(new LineChart.Panel("samples/s computed, per worker",
                "global step", throughput(commits))), 1);
        List<String[]> events = Csv.dataRows(dir.resolve("membership.csv"), 0);
        long last = commits.isEmpty() ? 1 : Long.parseLong(commits.get(commits.size() - 1)[0]);
        timeline(dir.resolve("timeline.png"), events, last);
        Path html = dir.resolve("report.html");
        Files.writeString(html, ReportPage.html(dir.getFileName().toString(), results(dir), events, PLOTS),
                StandardCharsets.UTF_8);
        return html;
    }

    /** Per step, what each worker computed (its share of the step's chunks) over the step's time. */
    static List<LineChart.Series> throughput(List<String[]> commits) {
        Map<String, List<double[]>> byWorker = new LinkedHashMap<>();
        for (String[] c : commits) {
            if (c.length < 11 || c[10].isBlank()) {
                continue;
            }
            String[] chunks = c[10].split(" ");
            Map<String, Integer> count = new HashMap<>();
            for (String cw : chunks) {
                count.merge(cw.substring(cw.indexOf(':') + 1), 1, Integer::sum);
            }
            double seconds = Double.parseDouble(c[9]);
            double samples = Double.parseDouble(c[4]);
            double step = Double.parseDouble(c[0]);
            count.forEach((w, n) -> {
                List<double[]> pts = byWorker.computeIfAbsent(w, k -> new ArrayList<>());
                if (!pts.isEmpty() && pts.get(pts.size() - 1)[0] < step - 1) {
                    pts.add(new double[] {pts.get(pts.size() - 1)[0] + 1, Double.NaN}); // absent: a gap, not a line
                }
                pts.add(new double[] {step, seconds > 0 ? samples * n / chunks.length / seconds : 0});
            });
        }
        List<LineChart.Series> series = new ArrayList<>();
        byWorker.forEach((w, pts) -> series.add(new LineChart.Series(w, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray())));
        return series;
    }

    /** membership.csv (unix_millis, step, membership epoch, worker, event, detail) as bars and marks. */
    static void timeline(Path png, List<String[]> events, long lastStep) throws IOException {
        List<String> rows = new ArrayList<>(List.of("coordinator"));
        List<Timeline.Span> spans = new ArrayList<>();
        List<Timeline.Mark> marks = new ArrayList<>();
        Map<String, Long> activeSince = new HashMap<>();
        long now = 0;
        for (String[] e : events) {
            if (e.length < 5) {
                continue;
            }
            // between steps (a takeover, a restart) events carry step -1: they happened at the last one seen
            long step = Math.max(now, Long.parseLong(e[1]));
            now = step;
            String who = e[3];
            if (!rows.contains(who)) {
                rows.add(who);
            }
            switch (e[4]) {
                case "active" -> activeSince.putIfAbsent(who, step);
                case "gone", "left" -> {
                    Long from = activeSince.remove(who);
                    if (from != null) {
                        spans.add(new Timeline.Span(who, from, step));
                    }
                }
                default -> { }
            }
            Timeline.Kind kind = switch (e[4]) {
                case "registered" -> Timeline.Kind.JOINED;
                case "left", "draining" -> Timeline.Kind.LEFT;
                case "gone", "failed", "checksum-mismatch", "refused", "invalid-contribution", "quarantined" -> Timeline.Kind.FAULT;
                case "deadline-missed", "refused-contribution", "resync", "refused-stale" -> Timeline.Kind.LATE;
                case "took-over", "restart", "restored", "resumed-at" -> Timeline.Kind.RECOVERED;
                default -> null;
            };
            if (kind != null) {
                marks.add(new Timeline.Mark(who, step, kind));
            }
        }
        activeSince.forEach((who, from) -> spans.add(new Timeline.Span(who, from, lastStep)));
        Timeline.write(png, rows, spans, marks, lastStep);
    }

    private static JsonNode results(Path dir) throws IOException {
        Path f = dir.resolve("results.json");
        return Files.exists(f) ? new ObjectMapper().readTree(f.toFile()) : new ObjectMapper().createObjectNode();
    }


    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
    }
}
