package org.elasticscrl.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.core.eval.LinearProbe;
import org.elasticscrl.core.run.TrainResult;
import org.elasticscrl.report.Curves;
import org.elasticscrl.report.MetricsLog;
import org.elasticscrl.report.Csv;

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
        rows.forEach((k, v) -> csv.append(Csv.row(k, v)).append('\n'));
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
        Curves.write(dir.resolve("curves.png"), log);
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
