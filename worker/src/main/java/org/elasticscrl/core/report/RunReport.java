package org.elasticscrl.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.core.eval.LinearProbe;
import org.elasticscrl.core.run.MetricsLog;
import org.elasticscrl.core.run.TrainResult;

/**
 * The end of a run, for people: a results table (printed, and written as {@code results.csv} and
 * {@code results.json}) and {@code curves.png} with loss, online accuracy, LR and τ.
 */
public final class RunReport {
    private RunReport() {}

    /** Rows of {@code (metric, value)} for one run. */
    public static Map<String, String> rows(TrainResult r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run", r.runDir().toString());
        m.put("epochs", Integer.toString(r.epochs()));
        m.put("steps", Long.toString(r.steps()));
        m.put("images seen", Long.toString(r.images()));
        m.put("final SSL loss", fmt(r.finalLoss()));
        m.put("online eval accuracy (last)", pct(r.onlineAccuracy()));
        m.put("online eval accuracy (best)", pct(r.bestOnlineAccuracy()));
        if (r.globalLinear() != null) {
            m.put("global linear accuracy (last)", pct(r.globalLinear().last()));
            m.put("global linear accuracy (best)", pct(r.globalLinear().best()));
        }
        if (r.roiLinear() != null) {
            m.put("RoI linear accuracy (last)", pct(r.roiLinear().last()));
            m.put("RoI linear accuracy (best)", pct(r.roiLinear().best()));
        }
        m.put("training time", String.format(Locale.ROOT, "%.0f s", r.trainSeconds()));
        return m;
    }

    public static void write(Path dir, TrainResult r, MetricsLog log) throws IOException {
        Map<String, String> rows = rows(r);
        StringBuilder csv = new StringBuilder("metric,value\n");
        rows.forEach((k, v) -> csv.append(k).append(',').append(v.replace(',', ';')).append('\n'));
        Files.writeString(dir.resolve("results.csv"), csv);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", r.runDir().toString());
        json.put("epochs", r.epochs());
        json.put("steps", r.steps());
        json.put("images", r.images());
        json.put("final_ssl_loss", finite(r.finalLoss()));
        json.put("online_accuracy", finite(r.onlineAccuracy()));
        json.put("best_online_accuracy", finite(r.bestOnlineAccuracy()));
        json.put("global_linear", probe(r.globalLinear()));
        json.put("roi_linear", probe(r.roiLinear()));
        json.put("train_seconds", r.trainSeconds());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        curves(dir.resolve("curves.png"), log);
    }

    /** Loss per step, online accuracy per epoch, LR and τ per step. */
    public static void curves(Path png, MetricsLog log) throws IOException {
        List<MetricsLog.StepRow> steps = log.steps();
        List<MetricsLog.EpochRow> epochs = log.epochs();
        double[] x = steps.stream().mapToDouble(MetricsLog.StepRow::globalStep).toArray();
        double[] ex = epochs.stream().mapToDouble(MetricsLog.EpochRow::epoch).toArray();
        List<LineChart.Panel> panels = new ArrayList<>();
        panels.add(new LineChart.Panel("self-supervised loss", "step", List.of(
                new LineChart.Series("loss", x, steps.stream().mapToDouble(MetricsLog.StepRow::sslLoss).toArray()))));
        panels.add(new LineChart.Panel("online evaluator accuracy (%)", "epoch", List.of(
                new LineChart.Series("eval split", ex, epochs.stream().mapToDouble(e -> 100 * e.onlineAccuracy()).toArray()),
                new LineChart.Series("train batches", epochs.stream().mapToDouble(MetricsLog.EpochRow::epoch).toArray(),
                        trainAccuracyPerEpoch(steps, epochs)))));
        panels.add(new LineChart.Panel("learning rate", "step", List.of(
                new LineChart.Series("lr", x, steps.stream().mapToDouble(MetricsLog.StepRow::lr).toArray()))));
        panels.add(new LineChart.Panel("EMA momentum tau", "step", List.of(
                new LineChart.Series("tau", x, steps.stream().mapToDouble(MetricsLog.StepRow::tau).toArray()))));
        LineChart.write(png, panels, 2);
    }

    private static double[] trainAccuracyPerEpoch(List<MetricsLog.StepRow> steps, List<MetricsLog.EpochRow> epochs) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            int e = epochs.get(i).epoch();
            out[i] = 100 * steps.stream().filter(s -> s.epoch() == e).mapToDouble(MetricsLog.StepRow::accuracy)
                    .filter(Double::isFinite).average().orElse(Double.NaN);
        }
        return out;
    }

    private static Map<String, Object> probe(LinearProbe.Result p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("last", p.last());
        m.put("best", p.best());
        m.put("best_epoch", p.bestEpoch());
        m.put("train_rows", p.trainRows());
        m.put("test_rows", p.testRows());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f %%", 100 * v) : "-";
    }
}
