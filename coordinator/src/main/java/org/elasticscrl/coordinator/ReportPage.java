package org.elasticscrl.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code report.html}: one self-contained page (no network, no scripts beyond a check that every
 * plot loaded) with the results, the final evaluation, the plots and the membership events.
 */
final class ReportPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final int EVENTS_SHOWN = 500;

    private ReportPage() {}

    static String html(String run, JsonNode results, List<String[]> events, List<String> plots) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>elastic-scrl run ")
                .append(esc(run)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:left}img{max-width:100%;border:1px solid #eee;margin:0.5em 0}"
                        + ".events td{font-size:90%}</style></head><body>\n");
        b.append("<h1>Run ").append(esc(run)).append("</h1>\n<h2>Results</h2>\n<table>\n");
        row(b, "steps", results.path("steps").asText("-"));
        row(b, "final SSL loss", RunReport.fmt(results.path("final_ssl_loss").asDouble(Double.NaN)));
        row(b, "online evaluation accuracy (last)", pct(results.path("online_accuracy")));
        b.append("</table>\n<p><small>The online evaluator is a linear head on the backbone's detached features, trained"
                + " during pretraining by the backbone's own LARS optimizer and learning-rate schedule, as in the reference"
                + " (its bias in the group updated with lr&sup2;, the reference's quirk): a sign that training progresses,"
                + " low at small scale (&asymp; 14 % on the CPU presets). The representation is measured by the linear"
                + " probes below.</small></p>\n<h2>Final evaluation</h2>\n");
        JsonNode eval = results.path("final_eval");
        if (!eval.isObject() || eval.isEmpty()) {
            b.append("<p>No final evaluation (the run did not finish, or <code>eval.enabled</code> is off).</p>\n");
        } else {
            b.append("<table><tr><th>probe</th><th>last</th><th>best</th><th>best epoch</th><th>train rows</th>"
                    + "<th>test rows</th></tr>\n");
            eval.properties().forEach(e -> b.append("<tr><td>").append(esc(e.getKey().replace('_', ' ')))
                    .append("</td><td>").append(pct(e.getValue().path("last"))).append("</td><td>")
                    .append(pct(e.getValue().path("best"))).append("</td><td>")
                    .append(esc(e.getValue().path("best_epoch").asText("-"))).append("</td><td>")
                    .append(esc(e.getValue().path("train_rows").asText("-"))).append("</td><td>")
                    .append(esc(e.getValue().path("test_rows").asText("-"))).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        b.append("<h2>Plots</h2>\n");
        for (String p : plots) {
            b.append("<div><img class=\"plot\" src=\"").append(esc(p)).append("\" alt=\"").append(esc(p))
                    .append("\"></div>\n");
        }
        b.append("<p>Plots shown: <span id=\"plots-shown\">not checked (scripts off)</span></p>\n");
        b.append("<h2>Membership and faults</h2>\n<table class=\"events\"><tr><th>time</th><th>step</th>"
                + "<th>membership epoch</th><th>who</th><th>event</th><th>detail</th></tr>\n");
        int from = Math.max(0, events.size() - EVENTS_SHOWN);
        for (String[] e : events.subList(from, events.size())) {
            if (e.length < 6) {
                continue;
            }
            b.append("<tr><td>").append(time(e[0])).append("</td><td>").append(esc(e[1])).append("</td><td>")
                    .append(esc(e[2])).append("</td><td>").append(esc(e[3])).append("</td><td>").append(esc(e[4]))
                    .append("</td><td>").append(esc(e[5])).append("</td></tr>\n");
        }
        b.append("</table>\n");
        if (from > 0) {
            b.append("<p>(the last ").append(EVENTS_SHOWN).append(" of ").append(events.size())
                    .append(" events; all are in membership.csv)</p>\n");
        }
        // tells the reader (and the rendering test) whether every plot file was found and decoded
        b.append("<script>window.addEventListener('load',function(){var i=document.querySelectorAll('img.plot');"
                + "var n=0;i.forEach(function(x){if(x.complete&&x.naturalWidth>0)n++;});"
                + "document.getElementById('plots-shown').textContent=n+' of '+i.length;});</script>\n");
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    private static String pct(JsonNode n) {
        return n.isNumber() ? String.format(java.util.Locale.ROOT, "%.2f %%", 100 * n.asDouble()) : "-";
    }

    private static String time(String millis) {
        try {
            return TIME.format(Instant.ofEpochMilli(Long.parseLong(millis)));
        } catch (NumberFormatException e) {
            return esc(millis);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
