package org.elasticscrl.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Goodput under churn, and where the rest went. Goodput = samples in steps committed within a window ÷ samples
 * the live workers could have computed in it alone (each worker's standalone rate times the time it was alive,
 * membership changes free). The window is cut at commits into step intervals, each charged to one cause:
 * the time a worker spent joining (from its start to the coordinator taking it as active: JVM start, state copy),
 * a step during which a worker was preempted (its lost work, the time until its departure was noticed, the
 * re-leasing), the step still under way when the window ends, and steady steps (transfers, the coordinator's
 * decisions, a step's chunks not dividing evenly among the workers). A pure function of times in milliseconds.
 */
final class Goodput {
    /** A worker alive from {@code startMs} to {@code endMs}; active (computing) from {@code activeMs}, −1 never. */
    record Life(String node, long startMs, long activeMs, long endMs) {}

    /** Samples per cause; {@code capacity} = committed + every loss. */
    record Result(double capacity, double committed, Map<String, Double> lost, int steps) {
        double goodput() {
            return capacity == 0 ? Double.NaN : committed / capacity;
        }
    }

    static final String JOINS = "joins (start, state copy)";
    static final String PREEMPTIONS = "steps with a preemption (lost work, noticing, re-leasing)";
    static final String STEADY = "steady steps (transfers, decisions, uneven chunks)";
    static final String UNFINISHED = "the step under way at the end";

    private Goodput() {}

    /**
     * {@code commitsMs}: when each step committed (ascending); only those in (startMs, endMs] count.
     * {@code removalsMs}: when workers were preempted. {@code rate}: one worker's standalone samples per second;
     * {@code batch}: samples per step.
     */
    static Result of(long startMs, long endMs, List<Life> lives, List<Long> commitsMs, List<Long> removalsMs,
            double rate, int batch) {
        if (endMs <= startMs || !(rate > 0) || batch < 1) {
            throw new IllegalArgumentException("goodput needs a window, a rate and a batch; got " + startMs + ".." + endMs
                    + ", " + rate + ", " + batch);
        }
        Map<String, Double> lost = new LinkedHashMap<>();
        for (String cause : List.of(JOINS, PREEMPTIONS, STEADY, UNFINISHED)) {
            lost.put(cause, 0.0);
        }
        double capacity = 0;
        double committed = 0;
        int steps = 0;
        long from = startMs;
        List<Long> bounds = new java.util.ArrayList<>(commitsMs.stream().filter(t -> t > startMs && t <= endMs).toList());
        if (bounds.isEmpty() || bounds.get(bounds.size() - 1) < endMs) {
            bounds.add(endMs);
        }
        for (int i = 0; i < bounds.size(); i++) {
            long to = bounds.get(i);
            boolean commit = i < bounds.size() - 1 || commitsMs.contains(to);
            double live = 0;
            double joining = 0;
            for (Life l : lives) {
                live += overlap(l.startMs(), l.endMs(), from, to);
                joining += overlap(l.startMs(), l.activeMs() < 0 ? l.endMs() : Math.min(l.activeMs(), l.endMs()), from, to);
            }
            double could = live / 1000.0 * rate;
            double did = commit ? batch : 0;
            capacity += could;
            committed += did;
            steps += commit ? 1 : 0;
            double join = joining / 1000.0 * rate;
            long a = from;
            boolean preempted = removalsMs.stream().anyMatch(t -> t >= a && t < to);
            String cause = !commit ? UNFINISHED : preempted ? PREEMPTIONS : STEADY;
            lost.merge(JOINS, join, Double::sum);
            lost.merge(cause, could - did - join, Double::sum);
            from = to;
        }
        return new Result(capacity, committed, lost, steps);
    }

    private static double overlap(long a, long b, long from, long to) {
        return Math.max(0, Math.min(b, to) - Math.max(a, from));
    }
}
