package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Each worker's link as measured, from the running totals it reports with each applied commit (bytes moved and how
 * long its link was busy, each way): the rate its busier direction gave while in use, smoothed across reports. Sharded
 * aggregation balances the owners' shares by it ({@link #shares}). A pure object.
 *
 * <p>Shares move in powers of two of the owners' median rate, and only for a link measured at least twice as fast or
 * half as fast as it: links of one kind measure a little apart from step to step (a busy CPU, TCP's ramp), and equal
 * shares are then both optimal and stable — the owners and their bounds change only when a link is really another kind
 * (10 Gb/s beside 1 Gb/s).
 */
final class LinkSpeeds {
    /** Busy time a report must add, each way, for its rate to count (control messages alone say nothing of a link). */
    static final long MIN_BUSY_NANOS = 20_000_000;
    /** Weight of the newest report's rate. */
    static final double EWMA = 0.3;
    /** Workers remembered; a flood of ids cannot grow this without bound. */
    private static final int MAX_NODES = 1024;

    private record Totals(long sent, long received, long sendingNanos, long receivingNanos) {}

    private final Map<String, Totals> last = new java.util.LinkedHashMap<>();
    private final Map<String, Double> rate = new HashMap<>();

    /** Worker {@code id}'s running totals after a commit; totals that went back are a new JVM's: a fresh baseline. */
    void applied(String id, long sent, long received, long sendingNanos, long receivingNanos) {
        Totals now = new Totals(sent, received, sendingNanos, receivingNanos);
        Totals before = last.put(id, now);
        if (last.size() > MAX_NODES) {
            String oldest = last.keySet().iterator().next();
            last.remove(oldest);
            rate.remove(oldest);
        }
        if (before == null || sent < before.sent || received < before.received
                || sendingNanos < before.sendingNanos || receivingNanos < before.receivingNanos) {
            return;
        }
        double up = rate(sent - before.sent, sendingNanos - before.sendingNanos);
        double down = rate(received - before.received, receivingNanos - before.receivingNanos);
        double measured = Math.max(up, down);
        if (measured > 0) {
            rate.merge(id, measured, (old, m) -> (1 - EWMA) * old + EWMA * m);
        }
    }

    private static double rate(long bytes, long nanos) {
        return nanos < MIN_BUSY_NANOS ? 0 : bytes * 1e9 / nanos;
    }

    /** Worker {@code id}'s measured rate in bytes per second, or 0 when not measured yet. */
    double bytesPerSecond(String id) {
        return rate.getOrDefault(id, 0.0);
    }

    /**
     * The relative bandwidth each of {@code owners} is given a share by: 1 for a link within a factor of two of the
     * owners' median rate (or not measured yet), else the power of two its rate is of the median, rounded toward 1.
     */
    SortedMap<String, Double> shares(Collection<String> owners) {
        List<Double> known = new ArrayList<>();
        owners.forEach(id -> {
            if (bytesPerSecond(id) > 0) {
                known.add(bytesPerSecond(id));
            }
        });
        known.sort(null);
        double median = known.isEmpty() ? 0 : known.size() % 2 == 1 ? known.get(known.size() / 2)
                : (known.get(known.size() / 2 - 1) + known.get(known.size() / 2)) / 2;
        SortedMap<String, Double> out = new TreeMap<>();
        for (String id : owners) {
            double r = bytesPerSecond(id);
            double octaves = r > 0 && median > 0 ? Math.log(r / median) / Math.log(2) : 0;
            out.put(id, Math.pow(2, octaves >= 0 ? Math.floor(octaves + 1e-9) : Math.ceil(octaves - 1e-9)));
        }
        return out;
    }

    /** Worker {@code id} left: a later incarnation is measured afresh. */
    void forget(String id) {
        last.remove(id);
        rate.remove(id);
    }
}
