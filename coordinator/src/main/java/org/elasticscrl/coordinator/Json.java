package org.elasticscrl.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.elasticscrl.report.MetricsLog;

/** The little JSON the coordinator reads (task results) and writes (results.json). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** A number field of a JSON object, NaN when absent or unparsable. */
    static double number(String json, String field) {
        try {
            JsonNode n = MAPPER.readTree(json).get(field);
            return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** The run's results: steps, final loss, last online accuracy, and the final evaluation. */
    static String results(String runId, long steps, MetricsLog metrics, String finalEval) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("run", runId);
        root.put("steps", steps);
        List<MetricsLog.StepRow> rows = metrics.steps();
        for (MetricsLog.EpochRow e : metrics.epochs()) {
            if (Double.isFinite(e.onlineAccuracy())) {
                root.put("online_accuracy", e.onlineAccuracy());
            }
        }
        if (!rows.isEmpty()) {
            root.put("final_ssl_loss", rows.get(rows.size() - 1).sslLoss());
        }
        try {
            root.set("final_eval", finalEval.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(finalEval));
            return MAPPER.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("final evaluation is not JSON: " + finalEval, e);
        }
    }
}
