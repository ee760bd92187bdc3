package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.elasticscrl.report.Table;
import org.elasticscrl.report.Csv;

/** What a cluster run's directory says: the results table, who took part when, replica agreement. */
final class ClusterResults {
    private ClusterResults() {}

    static String table(Path runDir) throws IOException {
        JsonNode r = results(runDir);
        if (r == null) {
            return "no results.json in " + runDir + " (the run did not finish)\n";
        }
        Table t = new Table("metric", "value");
        t.row("run", runDir.toString());
        t.row("steps", r.path("steps").asText("-"));
        t.row("final SSL loss", num(r.path("final_ssl_loss")));
        t.row("online eval accuracy (last)", pct(r.path("online_accuracy")));
        JsonNode eval = r.path("final_eval");
        t.row("global linear accuracy (last)", pct(eval.path("global_linear").path("last")));
        t.row("RoI linear accuracy (last)", pct(eval.path("roi_linear").path("last")));
        t.row("membership", membership(runDir));
        t.row("replica checksums", checksums(runDir));
        return t.toString();
    }

    /** The coordinator's results.json, or null when the run did not finish. */
    static JsonNode results(Path runDir) throws IOException {
        Path file = runDir.resolve("results.json");
        return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
    }

    /** Who took part when, from membership.csv: "worker-0, worker-1 from the start; worker-2 joined at step 14; …". */
    static String membership(Path runDir) throws IOException {
        List<String> parts = new ArrayList<>();
        List<String> initial = new ArrayList<>();
        for (String[] row : Csv.dataRows(runDir.resolve("membership.csv"), 6)) {
            long step = Long.parseLong(row[1]);
            String worker = row[3];
            switch (row[4]) {
                case "active" -> {
                    if (row[5].startsWith("initial")) {
                        initial.add(worker);
                    } else {
                        parts.add(worker + " joined at step " + step);
                    }
                }
                case "left", "gone" -> {
                    if (step >= 0) { // -1: after the last step, when the workers shut down
                        parts.add(worker + " " + (row[5].equals("drained") ? "drained" : "left")
                                + " at step " + step);
                    }
                }
                default -> { }
            }
        }
        if (!initial.isEmpty()) {
            parts.add(0, String.join(", ", initial) + " from the start");
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    /** Samples in the committed steps (commits.csv). */
    static long samples(Path runDir) throws IOException {
        return Csv.dataRows(runDir.resolve("commits.csv"), 11).stream().mapToLong(r -> Long.parseLong(r[4])).sum();
    }

    /** Whether every commit's replicas reported the same state checksum (DESIGN I1). */
    static String checksums(Path runDir) throws IOException {
        Map<Long, Set<String>> byStep = new TreeMap<>();
        Map<Long, Integer> replicas = new TreeMap<>();
        for (String[] row : Csv.dataRows(runDir.resolve("checksums.csv"), 3)) {
            long step = Long.parseLong(row[0]);
            byStep.computeIfAbsent(step, s -> new TreeSet<>()).add(row[2]);
            replicas.merge(step, 1, Integer::sum);
        }
        if (byStep.isEmpty()) {
            return "-";
        }
        List<Long> mismatched = byStep.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .toList();
        int min = replicas.values().stream().min(Integer::compare).orElse(0);
        int max = replicas.values().stream().max(Integer::compare).orElse(0);
        String counted = byStep.size() + " commits checked, " + (min == max ? min : min + "-" + max) + " replicas each";
        return mismatched.isEmpty() ? "identical (" + counted + ")"
                : "MISMATCH at steps " + mismatched + " (" + counted + ")";
    }


    static String num(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "-";
    }

    static String pct(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.2f %%", 100 * n.asDouble()) : "-";
    }
}
