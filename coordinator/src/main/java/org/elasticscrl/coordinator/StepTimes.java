package org.elasticscrl.coordinator;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a step's time went, for operators: the slowest lease's compute time (as its worker
 * measured it), the slowest contribution's transfer to the coordinator, and the rest — waiting
 * (deadlines, re-leases, stragglers, the coordinator's own work). A pure accumulator, reset per step.
 */
final class StepTimes {
    /** Seconds of one step: total = compute + transfer + wait. */
    record Split(double total, double compute, double transfer, double waiting) {}

    private final Map<Long, Long> fetchStart = new HashMap<>();
    private double compute;
    private double transfer;
    private Split last = new Split(0, 0, 0, 0);
    private double mean;

    private long startNanos;

    /** A step starts. */
    void start(long nowNanos) {
        startNanos = nowNanos;
        fetchStart.clear();
        compute = 0;
        transfer = 0;
    }

    /** A lease's contribution arrived after {@code seconds} of computing; its payload is being fetched. */
    void computed(long lease, double seconds, long nowNanos) {
        compute = Math.max(compute, seconds);
        fetchStart.put(lease, nowNanos);
    }

    void fetched(long lease, long nowNanos) {
        Long start = fetchStart.remove(lease);
        if (start != null) {
            transfer = Math.max(transfer, (nowNanos - start) / 1e9);
        }
    }

    /** The step is complete: its split (also kept as the last one). */
    Split split(long nowNanos) {
        double totalSeconds = (nowNanos - startNanos) / 1e9;
        double c = Math.min(compute, totalSeconds);
        double t = Math.min(transfer, totalSeconds - c);
        last = new Split(totalSeconds, c, t, Math.max(0, totalSeconds - c - t));
        mean = mean == 0 ? totalSeconds : 0.8 * mean + 0.2 * totalSeconds;
        return last;
    }

    Split last() {
        return last;
    }

    /** Recent steps' mean duration (a moving average), 0 before the first. */
    double meanSeconds() {
        return mean;
    }
}
