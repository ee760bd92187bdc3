package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a step's chunks among available workers in proportion to their measured speed
 * (samples/s; unknown speeds count as the mean of the known ones, or 1), each bounded by the
 * chunks its declared memory allows per lease. Largest-remainder rounding; chunks a full worker
 * cannot take go to the others. A pure function.
 *
 * <p>A worker whose speed is due for measuring ({@link Candidate#measure}: never leased, or idle for
 * {@link #MEASURE_AFTER_STEPS} steps) first gets one chunk of its own. Without that, more workers than chunks
 * starve the one measured slowest — a cold first lease is enough — for the rest of the run: idle, it is never
 * measured again (a CI campaign's joiner got 2 leases in 150 steps, so its poisoned contributions were never
 * quarantined). The cost is bounded: one chunk per idle worker every {@value #MEASURE_AFTER_STEPS} steps, within the
 * deadline its last measured speed gives it.
 */
public final class LeasePlanner {
    /** Steps a worker may stay idle before it is measured again. */
    public static final int MEASURE_AFTER_STEPS = 16;

    /** A worker that can take a lease now; {@code measure}: its speed is due for measuring (see the class). */
    public record Candidate(String workerId, double speed, int maxChunks, boolean measure) {
        public Candidate(String workerId, double speed, int maxChunks) {
            this(workerId, speed, maxChunks, false);
        }
    }

    private LeasePlanner() {}

    /** Whether a worker last leased at {@code lastLeased} (−1: never) is due for measuring at {@code step}. */
    public static boolean measureDue(long lastLeased, long step) {
        return lastLeased < 0 || step - lastLeased > MEASURE_AFTER_STEPS;
    }

    /** How many of {@code chunks} each candidate gets (zero-count workers are left out). */
    public static Map<String, Integer> split(int chunks, List<Candidate> candidates) {
        Map<String, Integer> first = new LinkedHashMap<>();
        List<Candidate> others = new ArrayList<>();
        int left = chunks;
        for (Candidate c : candidates) {
            if (c.measure() && left > 0 && c.maxChunks() > 0) {
                first.put(c.workerId(), 1);
                left--;
            } else if (!c.measure()) {
                others.add(c);
            }
        }
        if (others.isEmpty()) { // only workers due for measuring: they share the rest too
            others = candidates.stream().filter(c -> first.containsKey(c.workerId()))
                    .map(c -> new Candidate(c.workerId(), c.speed(), c.maxChunks() - 1)).toList();
        }
        Map<String, Integer> rest = proportional(left, others);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            int n = first.getOrDefault(c.workerId(), 0) + rest.getOrDefault(c.workerId(), 0);
            if (n > 0) {
                out.put(c.workerId(), n);
            }
        }
        return out;
    }

    /**
     * How many of {@code chunks} each free candidate gets now, while the {@code busy} ones (computing a lease of the
     * same step) will be free soon: the chunks are split over all of them and only the free ones' shares are leased
     * now; the busy ones' shares stay pending and are split again as workers free up. Without that, the chunks left
     * over when a step holds more than every worker's lease bound (or a lost worker's chunks) all went to the first
     * worker free — in a churn replay one of 29 workers computed 64 chunks where the others computed 32, and every
     * step took twice as long. Never nothing while chunks are pending: the fastest free candidate then gets one.
     */
    public static Map<String, Integer> splitNow(int chunks, List<Candidate> free, List<Candidate> busy) {
        if (busy.isEmpty() || free.isEmpty() || chunks <= 0) {
            return split(chunks, free);
        }
        List<Candidate> all = new ArrayList<>(free);
        all.addAll(busy);
        Map<String, Integer> shares = split(chunks, all);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Candidate c : free) {
            if (shares.getOrDefault(c.workerId(), 0) > 0) {
                out.put(c.workerId(), shares.get(c.workerId()));
            }
        }
        if (out.isEmpty()) {
            free.stream().filter(c -> c.maxChunks() > 0).max(Comparator.comparingDouble(Candidate::speed))
                    .ifPresent(c -> out.put(c.workerId(), 1));
        }
        return out;
    }

    /** {@code chunks} in proportion to speed within each candidate's bound. */
    private static Map<String, Integer> proportional(int chunks, List<Candidate> candidates) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (chunks <= 0 || candidates.isEmpty()) {
            return out;
        }
        double known = candidates.stream().mapToDouble(Candidate::speed).filter(s -> s > 0).average().orElse(1.0);
        List<Candidate> open = new ArrayList<>(candidates);
        int left = chunks;
        Map<String, Integer> given = new LinkedHashMap<>();
        candidates.forEach(c -> given.put(c.workerId(), 0));
        while (left > 0 && !open.isEmpty()) {
            double total = open.stream().mapToDouble(c -> speed(c, known)).sum();
            int round = left;
            List<double[]> remainders = new ArrayList<>();
            int assigned = 0;
            for (int i = 0; i < open.size(); i++) {
                Candidate c = open.get(i);
                double exact = round * speed(c, known) / total;
                int whole = (int) Math.floor(exact);
                given.merge(c.workerId(), whole, Integer::sum);
                assigned += whole;
                remainders.add(new double[] {exact - whole, i});
            }
            remainders.sort(Comparator.comparingDouble((double[] r) -> -r[0]).thenComparingDouble(r -> r[1]));
            for (int k = 0; k < round - assigned; k++) {
                given.merge(open.get((int) remainders.get(k)[1]).workerId(), 1, Integer::sum);
            }
            // take back what exceeds a worker's memory bound; those chunks go round again
            left = 0;
            List<Candidate> still = new ArrayList<>();
            for (Candidate c : open) {
                int over = given.get(c.workerId()) - c.maxChunks();
                if (over > 0) {
                    given.put(c.workerId(), c.maxChunks());
                    left += over;
                } else if (over < 0) {
                    still.add(c);
                }
            }
            open = still;
        }
        given.forEach((w, n) -> {
            if (n > 0) {
                out.put(w, n);
            }
        });
        return out;
    }

    private static double speed(Candidate c, double known) {
        return c.speed() > 0 ? c.speed() : known;
    }
}
