package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workers whose JVMs keep dying with fatal errors before they contribute — native code failing the same
 * way on that machine at every attempt, say. Each registration carries the summaries of the worker's
 * crashes it has not reported yet; a crash counts once (a summary names its time, and a worker re-sends
 * until it is answered). A contribution clears the worker's count: only crashes in a row count. At
 * {@code limit} the worker is not admitted again; the operator sees which worker and how it died.
 */
final class CrashLoops {
    /** Workers remembered; a flood of ids from an admitted node cannot grow this without bound. */
    private static final int MAX_WORKERS = 1024;
    private final int limit;
    private final Map<String, Set<String>> crashes = new LinkedHashMap<>();

    CrashLoops(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** Records {@code summaries} of {@code workerId}'s crashes; returns those not seen before. */
    List<String> record(String workerId, List<String> summaries) {
        if (summaries.isEmpty()) {
            return List.of();
        }
        Set<String> known = crashes.computeIfAbsent(workerId, id -> new LinkedHashSet<>());
        List<String> added = new ArrayList<>();
        for (String s : summaries) {
            if (known.add(s)) {
                added.add(s);
            }
        }
        if (crashes.size() > MAX_WORKERS) {
            crashes.remove(crashes.keySet().iterator().next());
        }
        return added;
    }

    /** Why {@code workerId} is not admitted (a crash loop), or null. */
    String refusal(String workerId) {
        Set<String> c = crashes.get(workerId);
        if (c == null || c.size() < limit) {
            return null;
        }
        return "its JVM died with a fatal error " + c.size() + " times in a row without contributing (limit "
                + "cluster.max_worker_crashes = " + limit + "); last: " + last(c)
                + " — not admitted again; fix that machine (native crashes in oneDNN: see the README's Determinism)"
                + " and start the worker under another --id";
    }

    /** The worker computed something the run used: its earlier crashes no longer count. */
    void contributed(String workerId) {
        crashes.remove(workerId);
    }

    /** Every worker with crashes in a row: id, count, newest summary and whether it is refused. */
    List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        crashes.forEach((id, c) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("crashes", c.size());
            m.put("last", last(c));
            m.put("refused", c.size() >= limit);
            out.add(m);
        });
        return out;
    }

    private static String last(Set<String> c) {
        String last = "";
        for (String s : c) {
            last = s;
        }
        return last;
    }
}
