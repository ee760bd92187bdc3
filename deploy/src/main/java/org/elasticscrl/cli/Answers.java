package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The coordinator's answers, printed for people: key/value blocks and aligned tables. */
final class Answers {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Answers() {}

    static String render(String command, JsonNode a) {
        return switch (command) {
            case "status", "pause", "resume", "checkpoint" -> status(a);
            case "workers" -> table(a.path("workers"), List.of("id", "status", "device", "threads", "lease_share",
                    "samples_per_second", "last_heard_seconds", "checksum", "checksum_step", "task", "address"));
            case "members" -> table(a.path("members"), List.of("address", "status", "roles", "reachable"));
            case "history" -> history(a.path("events"));
            case "checkpoints" -> checkpoints(a.path("manifest"));
            default -> keyValues(a, "");
        };
    }

    private static String status(JsonNode a) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "run %s: %s%n", a.path("run").asText(), a.path("state").asText()));
        if (a.has("total_steps")) {
            b.append(String.format(Locale.ROOT, "  committed step %d of %d (epoch %d of %d)%n",
                    a.path("committed_step").asLong() + 1, a.path("total_steps").asLong(), a.path("epoch").asInt(),
                    a.path("max_epochs").asInt()));
            b.append(String.format(Locale.ROOT, "  lr %.6g   tau %.6f   global batch %d   %.1f samples/s   ETA %s%n",
                    a.path("lr").asDouble(), a.path("tau").asDouble(), a.path("global_batch").asInt(),
                    a.path("samples_per_second").asDouble(), eta(a.path("eta_seconds").asDouble())));
        }
        var s = a.path("last_step_seconds");
        b.append(String.format(Locale.ROOT, "  last step %.2f s: compute %.2f, transfer %.2f, wait %.2f%n",
                s.path("total").asDouble(), s.path("compute").asDouble(), s.path("transfer").asDouble(),
                s.path("wait").asDouble()));
        b.append(String.format(Locale.ROOT, "  %d active workers (membership epoch %d)%n", a.path("active_workers").asInt(),
                a.path("membership_epoch").asInt()));
        if (a.has("checkpoint")) {
            b.append("  checkpoint: ").append(a.path("checkpoint").asText()).append('\n');
        }
        b.append("  waiting on: ").append(a.path("waiting_on").asText());
        return b.toString();
    }

    private static String eta(double seconds) {
        if (seconds < 0) {
            return "-";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private static String history(JsonNode events) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : events) {
            b.append(String.format(Locale.ROOT, "%s  step %5d  %-12s %-20s %s%n",
                    TIME.format(Instant.ofEpochMilli(e.path("unix_millis").asLong())), e.path("step").asLong(),
                    e.path("worker").asText(), e.path("event").asText(), e.path("detail").asText()));
        }
        return b.length() == 0 ? "(no events yet)" : b.toString().stripTrailing();
    }

    private static String checkpoints(JsonNode manifest) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("step", "epoch", "copies", "durable", "where"));
        int required = manifest.path("copies_required").asInt();
        for (JsonNode e : manifest.path("checkpoints")) {
            List<String> where = new ArrayList<>();
            e.path("copies").forEach(c -> where.add(c.path("worker").asText() + ":" + c.path("path").asText()));
            rows.add(List.of(e.path("step").asText(), e.path("epoch").asText(), Integer.toString(e.path("copies").size()),
                    e.path("copies").size() >= required ? "yes" : "no", String.join("  ", where)));
        }
        return rows.size() == 1 ? "(no durable checkpoint yet)" : align(rows);
    }

    private static String keyValues(JsonNode a, String indent) {
        StringBuilder b = new StringBuilder();
        a.properties().forEach(e -> {
            if (e.getValue().isObject()) {
                b.append(indent).append(e.getKey()).append(":\n").append(keyValues(e.getValue(), indent + "  ")).append('\n');
            } else {
                b.append(indent).append(e.getKey()).append(": ").append(text(e.getValue())).append('\n');
            }
        });
        return b.toString().stripTrailing();
    }

    /** An aligned table of {@code columns} of the objects in {@code list}. */
    static String table(JsonNode list, List<String> columns) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(columns);
        for (JsonNode n : list) {
            rows.add(columns.stream().map(c -> text(n.path(c))).toList());
        }
        return rows.size() == 1 ? "(none)" : align(rows);
    }

    private static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.asText()));
            return String.join(",", parts);
        }
        if (v.isFloatingPointNumber()) {
            return String.format(Locale.ROOT, "%.3g", v.asDouble());
        }
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    private static String align(List<List<String>> rows) {
        int[] w = new int[rows.get(0).size()];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        });
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                b.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + w[i] + "s  ", r.get(i)));
            }
            b.append('\n');
        }
        return b.toString().stripTrailing();
    }
}
