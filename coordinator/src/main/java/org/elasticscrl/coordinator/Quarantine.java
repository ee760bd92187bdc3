package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workers whose contributions fail validation (a NaN, a sample count its chunks cannot hold, a payload of
 * another size or layout). A failed contribution excludes its worker from the rest of that step — its
 * chunks go to the others — unless no other worker is free, so one transient fault on a lone worker does
 * not stall the run. {@code limit} failures in a row quarantine the worker: it stays a member (a replica
 * that applies commits) but gets no lease until an operator re-admits it ({@code scrl admit}). A valid
 * contribution clears the count. Keyed by worker id, so a quarantined worker that registers again is
 * still quarantined. A pure object the coordinator consults.
 */
final class Quarantine {
    /** Workers remembered; a flood of ids cannot grow this without bound. */
    private static final int MAX_WORKERS = 1024;
    private final int limit;
    private final Map<String, Record> records = new LinkedHashMap<>();

    private static final class Record {
        int inARow;
        long failedStep = -1;
        String last = "";
        boolean quarantined;
    }

    Quarantine(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** {@code worker}'s contribution to {@code step} failed for {@code why}: true if this quarantines it. */
    boolean invalid(String worker, long step, String why) {
        Record r = records.computeIfAbsent(worker, id -> new Record());
        if (records.size() > MAX_WORKERS) {
            records.remove(records.keySet().iterator().next());
        }
        r.inARow++;
        r.failedStep = step;
        r.last = why;
        boolean now = !r.quarantined && r.inARow >= limit;
        r.quarantined |= now;
        return now;
    }

    /** A contribution of {@code worker} was valid and counted: its earlier failures no longer count. */
    void valid(String worker) {
        Record r = records.get(worker);
        if (r != null && !r.quarantined) {
            records.remove(worker);
        }
    }

    boolean quarantined(String worker) {
        Record r = records.get(worker);
        return r != null && r.quarantined;
    }

    /** Whether {@code worker} may be leased chunks of {@code step} while others are free (see the class). */
    boolean preferNot(String worker, long step) {
        Record r = records.get(worker);
        return r != null && (r.quarantined || r.failedStep == step);
    }

    /** An operator re-admits {@code worker}: null, or why there is nothing to re-admit. */
    String readmit(String worker) {
        Record r = records.get(worker);
        if (r == null || !r.quarantined) {
            return "'" + worker + "' is not quarantined; quarantined: " + String.join(", ", quarantinedIds());
        }
        records.remove(worker);
        return null;
    }

    List<String> quarantinedIds() {
        return records.entrySet().stream().filter(e -> e.getValue().quarantined).map(Map.Entry::getKey).toList();
    }

    /** Why {@code worker} is quarantined, for the operator ("" if it is not). */
    String reason(String worker) {
        Record r = records.get(worker);
        return r == null || !r.quarantined ? "" : r.inARow + " invalid contributions in a row (limit "
                + "cluster.max_invalid_contributions = " + limit + "); last: " + r.last;
    }

    /** Every worker with failures in a row: id, count, last failure and whether it is quarantined. */
    List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        records.forEach((id, r) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("invalid_in_a_row", r.inARow);
            m.put("last", r.last);
            m.put("quarantined", r.quarantined);
            out.add(m);
        });
        return out;
    }
}
