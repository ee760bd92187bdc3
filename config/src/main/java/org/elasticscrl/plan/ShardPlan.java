package org.elasticscrl.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which worker sums which slice of a step's flat contribution (gradient, then statistics): shard {@code i} is
 * the elements {@code [from, to)}, owned by one worker, who receives that slice of every other contribution,
 * sums it, and serves the sum to every replica. A pure decision of the coordinator, made at a step boundary from
 * the live workers and their measured link bandwidth; within a step it only changes when an owner is lost (its
 * shards go whole to survivors).
 *
 * <p>Why the shares are not equal: per step every one of the {@code N} workers sends its contribution's slices to
 * the other owners and fetches the sums it does not own, and an owner also receives the other contributions' slices
 * of its own shard and serves its sum: in each direction {@code P·(1 − f) + P·f·(N − 1) = P·(1 + f·(N − 2))} for a
 * share {@code f} of {@code P} elements. Equal link times {@code T} over the {@code m} owners, links of bandwidth
 * {@code b_i}, give {@code f_i = ((m + N − 2)·b_i / Σb − 1) / (N − 2)}; a worker whose link is too slow for any share
 * ({@code f_i ≤ 0}) owns nothing (it moves {@code P} either way) and the rest share again. With equal links every
 * share is {@code 1/N}, each node moving {@code 2·P·(N − 1)/N}, the bandwidth-optimal figure; with two workers a
 * node moves {@code P} whatever its share, so shares are equal.
 */
public record ShardPlan(List<Shard> shards, int length) {
    /** Elements {@code [from, to)} summed by {@code owner}. */
    public record Shard(int index, String owner, int from, int to) {
        public int size() {
            return to - from;
        }
    }

    public ShardPlan {
        shards = List.copyOf(shards);
        int at = 0;
        for (Shard s : shards) {
            if (s.from() != at || s.to() < s.from()) {
                throw new IllegalArgumentException("shards must tile [0, " + length + ") in order: " + shards);
            }
            at = s.to();
        }
        if (at != length) {
            throw new IllegalArgumentException("shards cover [0, " + at + "), not [0, " + length + ")");
        }
    }

    /**
     * Shares balanced by link bandwidth ({@code bandwidth}: bytes/s by worker id, any positive unit; ids in their
     * sorted order own consecutive slices), boundaries on multiples of {@code granule} elements.
     *
     * @throws IllegalArgumentException for no worker, a bandwidth that is not positive and finite, or a bad size
     */
    public static ShardPlan balanced(int length, SortedMap<String, Double> bandwidth, int granule) {
        if (bandwidth.isEmpty()) {
            throw new IllegalArgumentException("a shard plan needs at least one worker");
        }
        if (length < 0 || granule < 1) {
            throw new IllegalArgumentException("length " + length + " and granule " + granule);
        }
        bandwidth.forEach((id, b) -> {
            if (!(b > 0) || Double.isInfinite(b)) {
                throw new IllegalArgumentException("bandwidth of " + id + " is " + b + ", must be positive and finite");
            }
        });
        return new ShardPlan(cut(0, length, shares(bandwidth), granule), length);
    }

    /** The share of the elements each worker owns for equal link times (see the class comment), by id. */
    static Map<String, Double> shares(SortedMap<String, Double> bandwidth) {
        int n = bandwidth.size();
        Map<String, Double> owners = new TreeMap<>(bandwidth);
        while (true) {
            int m = owners.size();
            double total = owners.values().stream().mapToDouble(Double::doubleValue).sum();
            Map<String, Double> f = new TreeMap<>();
            for (var e : owners.entrySet()) {
                f.put(e.getKey(), n <= 2 ? 1.0 / m : ((m + n - 2.0) * e.getValue() / total - 1) / (n - 2));
            }
            if (f.values().stream().allMatch(x -> x > 0)) {
                Map<String, Double> all = new TreeMap<>();
                bandwidth.keySet().forEach(id -> all.put(id, f.getOrDefault(id, 0.0)));
                return all;
            }
            // the slowest link cannot take any share: it only sends and fetches, the others share again
            owners.remove(owners.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
        }
    }

    /**
     * The plan with every shard of {@code lost} given whole to a survivor: each to the one whose link would be done
     * soonest with it ({@code survivors}: bandwidth by id), ties to the lower id. Whole, because the contributors
     * published their slices by this plan's shards, and a new owner fetches those slices as they are; the other
     * shards keep their owners, so only the lost sums are summed again.
     */
    public ShardPlan without(String lost, SortedMap<String, Double> survivors) {
        if (survivors.containsKey(lost) || survivors.isEmpty()) {
            throw new IllegalArgumentException("the survivors of " + lost + " are " + survivors.keySet());
        }
        Map<String, Long> load = new TreeMap<>();
        survivors.keySet().forEach(id -> load.put(id, owned().getOrDefault(id, 0L)));
        List<Shard> out = new ArrayList<>();
        for (Shard s : shards) {
            String owner = s.owner();
            if (owner.equals(lost)) {
                owner = load.keySet().stream().min(java.util.Comparator.comparingDouble(
                        (String id) -> (load.get(id) + s.size()) / survivors.get(id))).orElseThrow();
                load.merge(owner, (long) s.size(), Long::sum);
            }
            out.add(new Shard(s.index(), owner, s.from(), s.to()));
        }
        return new ShardPlan(out, length);
    }

    /** The shard holding element {@code i}. */
    public Shard shardOf(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("element " + i + " of " + length);
        }
        int lo = 0;
        int hi = shards.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (shards.get(mid).from() <= i) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return shards.get(lo);
    }

    /** Elements owned by each worker (zero for a worker owning nothing is left out). */
    public Map<String, Long> owned() {
        Map<String, Long> m = new TreeMap<>();
        shards.forEach(s -> m.merge(s.owner(), (long) s.size(), Long::sum));
        return m;
    }

    /**
     * Elements {@code worker} receives in a step where {@code contributors} contributed and every one of them fetches
     * every sum: the other contributions' slices of its shards, and the sums of every shard it does not own.
     */
    public long elementsIn(String worker, int contributors) {
        long own = owned().getOrDefault(worker, 0L);
        return own * (contributors - 1) + (length - own);
    }

    /**
     * Slices of [from, to) in proportion to {@code shares} (owners with a positive share, in id order), ends on granule
     * multiples except the last (which takes the end); an empty range is one empty slice of the first owner.
     */
    private static List<Shard> cut(int from, int to, Map<String, Double> shares, int granule) {
        List<Map.Entry<String, Double>> owners = shares.entrySet().stream().filter(e -> e.getValue() > 0).toList();
        double total = owners.stream().mapToDouble(Map.Entry::getValue).sum();
        List<Shard> out = new ArrayList<>();
        double acc = 0;
        int at = from;
        for (int k = 0; k < owners.size(); k++) {
            acc += owners.get(k).getValue();
            long ideal = from + Math.round((to - from) * (acc / total) / granule) * granule;
            int end = k == owners.size() - 1 ? to : (int) Math.min(to, Math.max(at, ideal));
            if (end > at) {
                out.add(new Shard(out.size(), owners.get(k).getKey(), at, end));
            }
            at = end;
        }
        if (out.isEmpty()) {
            out.add(new Shard(0, owners.get(0).getKey(), from, to));
        }
        return out;
    }
}
