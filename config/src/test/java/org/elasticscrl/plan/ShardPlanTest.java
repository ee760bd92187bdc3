package org.elasticscrl.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
    static final int P = 25_600_000;
    static final int GRANULE = 1024;

    private static SortedMap<String, Double> links(double... bandwidth) {
        SortedMap<String, Double> m = new TreeMap<>();
        for (int i = 0; i < bandwidth.length; i++) {
            m.put("worker-" + (char) ('a' + i), bandwidth[i]);
        }
        return m;
    }

    /** Link time of each worker, in elements per unit of bandwidth. */
    private static Map<String, Double> linkTimes(ShardPlan plan, SortedMap<String, Double> links) {
        Map<String, Double> t = new TreeMap<>();
        links.forEach((id, b) -> t.put(id, plan.elementsIn(id, links.size()) / b));
        return t;
    }

    @Test
    void equalLinksShareEquallyAndMoveTheBandwidthOptimalAmount() {
        for (int n : new int[] {2, 4, 8, 16, 32}) {
            SortedMap<String, Double> links = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                links.put(String.format("worker-%02d", i), 1.25e8);
            }
            ShardPlan plan = ShardPlan.balanced(P, links, GRANULE);
            double optimal = 2.0 * P * (n - 1) / n;
            for (String id : links.keySet()) {
                assertEquals(P / (double) n, plan.owned().get(id), GRANULE, id + " of " + n);
                assertEquals(optimal, plan.elementsIn(id, n), (n - 1) * GRANULE, id + " of " + n);
            }
        }
    }

    @Test
    void aFasterLinkOwnsMoreSoThatEveryLinkIsBusyAsLong() {
        SortedMap<String, Double> links = links(2, 1, 1, 1);
        ShardPlan plan = ShardPlan.balanced(P, links, GRANULE);
        // f = (6·2/5 − 1)/2 = 0.7 for the fast link, 0.1 for each other: every link moves 1.2·P per unit
        assertEquals(0.7 * P, plan.owned().get("worker-a"), GRANULE);
        linkTimes(plan, links).values().forEach(t -> assertEquals(1.2 * P, t, 3 * GRANULE));
        ShardPlan equal = ShardPlan.balanced(P, links(1, 1, 1, 1), GRANULE);
        double equalSlowest = linkTimes(equal, links).values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(1.5 * P, equalSlowest, 3 * GRANULE, "equal shares keep the slow links busy longer");
    }

    @Test
    void aLinkTooSlowForAnyShareOwnsNothing() {
        ShardPlan plan = ShardPlan.balanced(P, links(100, 1, 1), GRANULE);
        assertEquals(Map.of("worker-a", (long) P), plan.owned());
        assertEquals(1, plan.shards().size());
        assertEquals(2L * P, plan.elementsIn("worker-a", 3), "it receives two slices of its shard");
        assertEquals(P, plan.elementsIn("worker-b", 3), "a non-owner fetches every sum");
    }

    @Test
    void aLostOwnersShardGoesWholeToTheSurvivorDoneSoonestAndNoOtherShardMoves() {
        SortedMap<String, Double> links = links(1, 1, 1, 1);
        ShardPlan plan = ShardPlan.balanced(P, links, GRANULE);
        links.remove("worker-b");
        links.put("worker-d", 3.0); // the fastest survivor's link is done soonest with one more shard
        ShardPlan after = plan.without("worker-b", links);
        for (int i = 0; i < plan.shards().size(); i++) {
            ShardPlan.Shard s = plan.shards().get(i);
            ShardPlan.Shard a = after.shards().get(i);
            assertEquals(List.of(s.index(), s.from(), s.to()), List.of(a.index(), a.from(), a.to()), "bounds kept");
            assertEquals(s.owner().equals("worker-b") ? "worker-d" : s.owner(), a.owner());
        }
        SortedMap<String, Double> two = new TreeMap<>(Map.of("worker-a", 1.0, "worker-c", 1.0));
        ShardPlan twice = after.without("worker-d", two); // its two shards: the first to worker-a (a tie, lower id)
        assertEquals(List.of("worker-a", "worker-a", "worker-c", "worker-c"),
                twice.shards().stream().map(ShardPlan.Shard::owner).toList());
        assertThrows(IllegalArgumentException.class, () -> plan.without("worker-a", links(1, 1)));
    }

    @Test
    void randomPlansTileTheSpaceOnGranulesAndFindEveryElementsShard() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int round = 0; round < 500; round++) {
            int n = 1 + rng.nextInt(20);
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = 1 + rng.nextDouble() * 9;
            }
            int granule = 1 << rng.nextInt(12);
            int length = rng.nextInt(200_000);
            ShardPlan plan = ShardPlan.balanced(length, links(b), granule); // the constructor checks the tiling
            assertEquals(length, plan.owned().values().stream().mapToLong(Long::longValue).sum());
            for (ShardPlan.Shard s : plan.shards()) {
                assertTrue(s.to() == length || s.to() % granule == 0, s + " ends on a granule");
                assertTrue(s.size() > 0 || length == 0, s + " is empty");
            }
            for (int k = 0; k < 20 && length > 0; k++) {
                int e = rng.nextInt(length);
                ShardPlan.Shard s = plan.shardOf(e);
                assertTrue(s.from() <= e && e < s.to(), e + " in " + s);
            }
        }
    }

    @Test
    void badInputIsRefusedNamingIt() {
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.balanced(P, new TreeMap<>(), GRANULE));
        var e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.balanced(P, links(1, Double.NaN), GRANULE));
        assertTrue(e.getMessage().contains("worker-b"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.balanced(P, links(1, 0), GRANULE));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.balanced(P, links(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new ShardPlan(List.of(new ShardPlan.Shard(0, "w", 0, 5)), 6));
        assertThrows(IndexOutOfBoundsException.class, () -> ShardPlan.balanced(10, links(1), 1).shardOf(10));
    }
}
