package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.elasticscrl.report.Table;

/** The results table of a cluster run, from the coordinator's {@code results.json}. */
final class ClusterResults {
    private ClusterResults() {}

    static String table(Path runDir) throws Exception {
        Path file = runDir.resolve("results.json");
        if (!Files.exists(file)) {
            return "no results.json in " + runDir + " (the run did not finish)\n";
        }
        JsonNode r = new ObjectMapper().readTree(file.toFile());
        Table t = new Table("metric", "value");
        t.row("run", runDir.toString());
        t.row("steps", r.path("steps").asText("-"));
        t.row("final SSL loss", num(r.path("final_ssl_loss")));
        t.row("online eval accuracy (last)", pct(r.path("online_accuracy")));
        JsonNode eval = r.path("final_eval");
        t.row("global linear accuracy (last)", pct(eval.path("global_linear").path("last")));
        t.row("RoI linear accuracy (last)", pct(eval.path("roi_linear").path("last")));
        return t.toString();
    }

    private static String num(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "-";
    }

    private static String pct(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.2f %%", 100 * n.asDouble()) : "-";
    }
}
