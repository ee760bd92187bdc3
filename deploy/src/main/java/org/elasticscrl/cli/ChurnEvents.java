package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticscrl.report.Csv;

/** What a churn replay reads from the coordinator's membership.csv: when workers became active, and event counts. */
final class ChurnEvents {
    /** The coordinator's events a churn replay reports, in the order printed. */
    static final List<String> COUNTED = List.of("active", "gone", "deadline-missed", "refused-contribution",
            "transfer-failed", "shards-moved", "shards-stalled", "resync", "took-over");

    private ChurnEvents() {}

    /** Each worker's first {@code active} event (unix millis). */
    static Map<String, Long> firstActive(Path membership) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (String[] r : Csv.dataRows(membership, 6)) {
            if (r[4].equals("active")) {
                out.putIfAbsent(r[3], Long.parseLong(r[0]));
            }
        }
        return out;
    }

    /** The workers that registered with a coordinator so far. */
    static java.util.Set<String> registered(Path membership) throws IOException {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String[] r : Csv.dataRows(membership, 6)) {
            if (r[4].equals("registered")) {
                out.add(r[3]);
            }
        }
        return out;
    }

    /** How many of each {@link #COUNTED} event the coordinators recorded. */
    static Map<String, Integer> counts(Path membership) throws IOException {
        Map<String, Integer> out = new LinkedHashMap<>();
        COUNTED.forEach(e -> out.put(e, 0));
        for (String[] r : Csv.dataRows(membership, 6)) {
            out.computeIfPresent(r[4], (k, n) -> n + 1);
        }
        return out;
    }
}
