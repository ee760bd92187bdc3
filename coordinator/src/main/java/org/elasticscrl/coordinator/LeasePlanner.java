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
 */
public final class LeasePlanner {
    /** A worker that can take a lease now. */
    public record Candidate(String workerId, double speed, int maxChunks) {}

    private LeasePlanner() {}

    /** How many of {@code chunks} each candidate gets (zero-count workers are left out). */
    public static Map<String, Integer> split(int chunks, List<Candidate> candidates) {
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
