package org.elasticscrl.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticscrl.report.Csv;

/** The coordinator's records of a run, parsed for the invariant checks. */
final class RunRecords {
    /** A committed step from commits.csv; {@code chunks} maps chunk number to worker. */
    record Commit(long step, int epoch, int stepInEpoch, int membershipEpoch, int samples, double lr, double tau,
            double loss, Map<Integer, String> chunks) {}

    private final Path dir;

    RunRecords(Path dir) {
        this.dir = dir;
    }

    List<Commit> commits() {
        List<Commit> out = new ArrayList<>();
        for (String[] r : rows("commits.csv")) {
            Map<Integer, String> chunks = new LinkedHashMap<>();
            for (String pair : r[10].split(" ")) {
                String[] p = pair.split(":", 2);
                chunks.put(Integer.parseInt(p[0]), p[1]);
            }
            out.add(new Commit(Long.parseLong(r[0]), Integer.parseInt(r[1]), Integer.parseInt(r[2]),
                    Integer.parseInt(r[3]), Integer.parseInt(r[4]), Double.parseDouble(r[5]), Double.parseDouble(r[6]),
                    Double.parseDouble(r[8]), chunks));
        }
        return out;
    }

    /** step → (worker → checksum) */
    Map<Long, Map<String, String>> checksums() {
        Map<Long, Map<String, String>> out = new LinkedHashMap<>();
        for (String[] r : rows("checksums.csv")) {
            out.computeIfAbsent(Long.parseLong(r[0]), k -> new LinkedHashMap<>()).put(r[1], r[2]);
        }
        return out;
    }

    /** (worker, event, step, detail, unix millis) rows of membership.csv, in order. */
    List<String[]> events() {
        List<String[]> out = new ArrayList<>();
        for (String[] r : rows("membership.csv")) {
            out.add(new String[] {r[3], r[4], r[1], r[5], r[0]});
        }
        return out;
    }

    /** membership.csv's rows, one per line, for failure messages. */
    String eventLines() {
        StringBuilder b = new StringBuilder();
        events().forEach(e -> b.append('\n').append(String.join(" ", e)));
        return b.toString();
    }

    /** The first event of {@code worker} whose name is one of {@code names}, at or after {@code sinceMillis}. */
    java.util.Optional<String[]> firstEvent(String worker, long sinceMillis, String... names) {
        List<String> wanted = List.of(names);
        return events().stream().filter(e -> e[0].equals(worker) && wanted.contains(e[1])
                && Long.parseLong(e[4]) >= sinceMillis).findFirst();
    }

    /** Every row of checksums.csv (a step may appear again after a restart): step, worker, checksum. */
    List<String[]> checksumRows() {
        return rows("checksums.csv");
    }

    /** Steps committed again after a restart or takeover: step → ssl_loss (replayed.csv). */
    Map<Long, Double> replayed() {
        Map<Long, Double> out = new LinkedHashMap<>();
        if (Files.exists(dir.resolve("replayed.csv"))) {
            for (String[] r : rows("replayed.csv")) {
                out.put(Long.parseLong(r[0]), Double.parseDouble(r[3]));
            }
        }
        return out;
    }

    /** ssl_loss per global step from a metrics.csv (cluster or single process). */
    static Map<Long, Double> losses(Path metricsCsv) {
        Map<Long, Double> out = new LinkedHashMap<>();
        for (String[] r : rows(metricsCsv)) {
            out.put(Long.parseLong(r[0]), Double.parseDouble(r[2]));
        }
        return out;
    }

    private List<String[]> rows(String file) {
        return rows(dir.resolve(file));
    }

    private static List<String[]> rows(Path file) {
        try {
            return Csv.dataRows(file, 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
