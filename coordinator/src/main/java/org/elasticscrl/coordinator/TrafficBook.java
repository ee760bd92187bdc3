package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each node's tensor transport moved per step, from the running totals the workers report with each applied
 * commit ({@code UpdateApplied}) and the coordinator's own: the rows of traffic.csv. A node's row for step s holds
 * the bytes since its previous report, so rows add up to its totals whatever steps it skipped; the coordinator's
 * totals are sampled when the first report of a step arrives (its serving of that step's mean may still go on: the
 * bytes land in its next row). A pure object.
 */
final class TrafficBook {
    /** The node name of the coordinator's rows. */
    static final String COORDINATOR = "coordinator";
    /** Nodes remembered; a flood of ids cannot grow this without bound. */
    private static final int MAX_NODES = 1024;

    /** Bytes a node's transport sent and received over one step (or since its previous row). */
    record Row(long step, String node, long sent, long received) {}

    private final Map<String, long[]> totals = new LinkedHashMap<>();
    private long newestStep = -1;

    /**
     * Worker {@code node} applied {@code step} with these running totals; the coordinator's are {@code ownSent} and
     * {@code ownReceived}. Returns the rows to record: the worker's, and the coordinator's when {@code step} is newer
     * than any reported before. Totals of 0 (nothing moved yet, or not counted) give no row.
     */
    List<Row> applied(String node, long step, long sent, long received, long ownSent, long ownReceived) {
        List<Row> rows = new ArrayList<>(2);
        if (sent > 0 || received > 0) {
            rows.add(row(node, step, sent, received));
        }
        if (step > newestStep) {
            newestStep = step;
            if (ownSent > 0 || ownReceived > 0) {
                rows.add(row(COORDINATOR, step, ownSent, ownReceived));
            }
        }
        return rows;
    }

    private Row row(String node, long step, long sent, long received) {
        long[] before = totals.get(node);
        totals.put(node, new long[] {sent, received});
        if (totals.size() > MAX_NODES) {
            totals.remove(totals.keySet().iterator().next());
        }
        // first report, or totals that went back (a new JVM under the same id): everything counted is new
        if (before == null || sent < before[0] || received < before[1]) {
            return new Row(step, node, sent, received);
        }
        return new Row(step, node, sent - before[0], received - before[1]);
    }
}
