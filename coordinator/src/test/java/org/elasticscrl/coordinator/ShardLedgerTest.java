package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.elasticscrl.plan.ShardPlan;
import org.elasticscrl.protocol.BlobRef;
import org.junit.jupiter.api.Test;

class ShardLedgerTest {
    private static SortedMap<String, Double> links(String... ids) {
        SortedMap<String, Double> m = new TreeMap<>();
        for (String id : ids) {
            m.put(id, 1.0);
        }
        return m;
    }

    private static List<BlobRef> slices(String worker, long lease, int shards) {
        List<BlobRef> out = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            out.add(new BlobRef(worker, 1, lease * 100 + i, 8));
        }
        return out;
    }

    private static ShardLedger threeWorkers() {
        return new ShardLedger(7, ShardPlan.balanced(3_000, links("a", "b", "c"), 1));
    }

    @Test
    void everyShardAddsEveryContributionThenSealsAndTheUpdateIsTheSealsInShardOrder() {
        ShardLedger l = threeWorkers();
        List<ShardLedger.Add> adds = new ArrayList<>();
        adds.addAll(l.accepted(1, "a", slices("a", 1, 3)));
        adds.addAll(l.accepted(2, "b", slices("b", 2, 3)));
        assertEquals(6, adds.size());
        assertEquals(List.of("a", "b", "c"), adds.subList(0, 3).stream().map(ShardLedger.Add::owner).toList());
        assertEquals(new BlobRef("a", 1, 102, 8), adds.get(2).slice(), "owner c fetches a's slice of shard 2");
        adds.forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        assertTrue(l.summed());
        List<ShardLedger.Seal> seals = l.seals();
        assertEquals(3, seals.size());
        assertNull(l.update());
        for (ShardLedger.Seal s : seals) {
            assertEquals(Set.of(1L, 2L), s.leases());
            l.sealed(s.shard(), s.generation(), s.leases(), new BlobRef(s.owner(), 2, s.shard(), 8));
        }
        assertEquals(List.of("a", "b", "c"), l.update().stream().map(BlobRef::host).toList());
        assertThrows(IllegalArgumentException.class, () -> l.accepted(3, "c", slices("c", 3, 2)), "slices unlike the plan");
    }

    @Test
    void aCleanFailureDropsTheContributionAndSumsTheOtherShardsAgainWithoutIt() {
        ShardLedger l = threeWorkers();
        List<ShardLedger.Add> first = new ArrayList<>(l.accepted(1, "a", slices("a", 1, 3)));
        first.addAll(l.accepted(2, "b", slices("b", 2, 3)));
        first.stream().filter(a -> a.shard() != 1 || a.lease() != 2).forEach(a -> l.added(a.shard(), a.generation(),
                a.lease()));
        List<ShardLedger.Add> again = l.failed(1, 0, 2, false);
        // shard 1's add of lease 2 failed before adding: its sum holds lease 1 only and stays; 0 and 2 start over
        assertEquals(List.of(new ShardLedger.Add("a", 0, 1, 1, slices("a", 1, 3).get(0)),
                new ShardLedger.Add("c", 2, 1, 1, slices("a", 1, 3).get(2))), again);
        assertEquals(Set.of(1L), l.included());
        assertFalse(l.summed());
        l.added(0, 0, 1); // a report of the discarded generation
        assertFalse(l.summed());
        again.forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        assertTrue(l.summed());
        assertEquals(List.of(), l.failed(1, 0, 2, true), "the same failure reported again changes nothing");
    }

    @Test
    void aLostContributorCountsWhenEveryShardHasItAndIsDroppedOtherwise() {
        ShardLedger l = threeWorkers();
        List<ShardLedger.Add> adds = new ArrayList<>(l.accepted(1, "a", slices("a", 1, 3)));
        adds.addAll(l.accepted(2, "b", slices("b", 2, 3)));
        adds.stream().filter(a -> a.lease() == 1 || a.shard() < 2).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        assertEquals(List.of(), l.contributorLost(1), "every shard has lease 1: it counts");
        List<ShardLedger.Add> again = l.contributorLost(2);
        assertEquals(Set.of(1L), l.included());
        assertEquals(3, again.size(), "every shard sums lease 1 again: shard 2's add of lease 2 may still land");
        assertTrue(again.stream().allMatch(a -> a.lease() == 1 && a.generation() == 1));
    }

    @Test
    void aLostOwnersShardGoesToASurvivorAndItsOwnContributionIsDropped() {
        ShardLedger l = threeWorkers();
        List<ShardLedger.Add> adds = new ArrayList<>(l.accepted(1, "a", slices("a", 1, 3)));
        adds.addAll(l.accepted(2, "b", slices("b", 2, 3)));
        adds.forEach(a -> l.added(a.shard(), a.generation(), a.lease()));

        // c contributed nothing: only its shard is summed again, at a survivor
        List<ShardLedger.Add> moved = l.ownerLost("c", links("a", "b"));
        assertEquals(2, moved.size());
        assertTrue(moved.stream().allMatch(a -> a.shard() == 2 && a.generation() == 1 && a.owner().equals("a")));
        assertEquals(Set.of(1L, 2L), l.included());

        // b contributed lease 2: its slice of its own shard is gone with it, so lease 2 no longer counts
        List<ShardLedger.Add> after = l.ownerLost("b", links("a"));
        assertEquals(Set.of(1L), l.included());
        assertTrue(after.stream().allMatch(a -> a.owner().equals("a") && a.lease() == 1), after.toString());
        assertEquals(3, after.size());
        assertEquals(List.of(), l.ownerLost("b", links("a")), "owns nothing any more");
    }

    @Test
    void aSealOfAnOlderSetOfContributionsIsNotTheStepsSum() {
        ShardLedger l = threeWorkers();
        l.accepted(1, "a", slices("a", 1, 3)).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        List<ShardLedger.Seal> seals = l.seals();
        l.sealed(0, 0, Set.of(1L), new BlobRef("a", 2, 0, 8));
        l.accepted(2, "b", slices("b", 2, 3)).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        seals.subList(1, 3).forEach(s -> l.sealed(s.shard(), s.generation(), s.leases(), new BlobRef(s.owner(), 2, 9, 8)));
        assertNull(l.update(), "sealed over lease 1 only");
        assertEquals(3, l.seals().size(), "every shard is sealed again over leases 1 and 2");
    }

    /**
     * Random schedules of adds landing late, failing (cleanly or after adding part), contributors and owners lost:
     * whenever the ledger gives an update, every shard's sealed sum holds exactly the contributions that count — none
     * twice, none in part, none dropped.
     */
    @Test
    void whateverFailsWhenASealedSumHoldsExactlyTheContributionsThatCount() {
        SplittableRandom rng = new SplittableRandom(5);
        int updates = 0;
        for (int round = 0; round < 2_000; round++) {
            List<String> workers = new ArrayList<>(List.of("w0", "w1", "w2", "w3", "w4").subList(0, 2 + rng.nextInt(4)));
            ShardLedger l = new ShardLedger(round, ShardPlan.balanced(1_000, links(workers.toArray(String[]::new)), 1));
            Map<String, Set<Long>> sums = new HashMap<>(); // what each owner really holds, by "shard/generation"
            List<ShardLedger.Add> inFlight = new ArrayList<>();
            Set<String> lost = new HashSet<>();
            Set<String> lostOwners = new HashSet<>();
            Map<Long, String> contributorOf = new HashMap<>();
            long nextLease = 1;
            for (int event = 0; event < 40; event++) {
                int what = rng.nextInt(10);
                List<String> alive = workers.stream().filter(w -> !lost.contains(w)).toList();
                if (what < 3 && !alive.isEmpty()) {
                    String w = alive.get(rng.nextInt(alive.size()));
                    long lease = nextLease++;
                    contributorOf.put(lease, w);
                    inFlight.addAll(l.accepted(lease, w, slices(w, lease, l.plan().shards().size())));
                } else if (what < 8 && !inFlight.isEmpty()) {
                    ShardLedger.Add a = inFlight.remove(rng.nextInt(inFlight.size()));
                    if (lost.contains(a.owner())) {
                        continue; // a lost owner never answers
                    }
                    Set<Long> sum = sums.computeIfAbsent(a.shard() + "/" + a.generation(), k -> new TreeSet<>());
                    boolean fromLost = lost.contains(contributorOf.get(a.lease()));
                    if (fromLost || rng.nextInt(8) == 0) {
                        boolean spoilt = rng.nextBoolean();
                        if (spoilt) {
                            sum.add(-a.lease()); // part of it
                        }
                        inFlight.addAll(l.failed(a.shard(), a.generation(), a.lease(), spoilt));
                    } else {
                        sum.add(a.lease());
                        l.added(a.shard(), a.generation(), a.lease());
                    }
                } else if (what == 8 && alive.size() > 1) {
                    String w = alive.get(rng.nextInt(alive.size()));
                    lost.add(w);
                    if (l.plan().shards().stream().anyMatch(s -> s.owner().equals(w))) {
                        lostOwners.add(w);
                    }
                    SortedMap<String, Double> survivors = links(alive.stream().filter(x -> !x.equals(w))
                            .toArray(String[]::new));
                    inFlight.addAll(l.ownerLost(w, survivors));
                    contributorOf.forEach((lease, c) -> {
                        if (c.equals(w)) {
                            inFlight.addAll(l.contributorLost(lease));
                        }
                    });
                }
                assertTrue(l.plan().shards().stream().noneMatch(s -> lost.contains(s.owner())), "a lost owner owns nothing");
            }
            // every add still in flight lands (or fails, from a lost contributor), then the shards are sealed
            while (!inFlight.isEmpty()) {
                ShardLedger.Add a = inFlight.remove(0);
                if (lost.contains(a.owner())) {
                    continue;
                }
                if (lost.contains(contributorOf.get(a.lease()))) {
                    inFlight.addAll(l.failed(a.shard(), a.generation(), a.lease(), false));
                } else {
                    sums.computeIfAbsent(a.shard() + "/" + a.generation(), k -> new TreeSet<>()).add(a.lease());
                    l.added(a.shard(), a.generation(), a.lease());
                }
            }
            assertTrue(l.summed(), "round " + round);
            for (ShardLedger.Seal s : l.seals()) {
                Set<Long> held = sums.getOrDefault(s.shard() + "/" + s.generation(), Set.of());
                l.sealed(s.shard(), s.generation(), held, new BlobRef(s.owner(), 1, s.shard() * 1000L + s.generation(), 8));
            }
            List<BlobRef> update = l.update();
            if (!l.included().isEmpty()) {
                assertNotNull(update, "round " + round + ": sealed sums " + sums + ", included " + l.included());
                updates++;
                for (BlobRef r : update) {
                    String key = (r.id() / 1000) + "/" + (r.id() % 1000);
                    assertEquals(l.included(), sums.get(key), "round " + round + ", shard sum " + key);
                }
                for (long lease : l.included()) {
                    assertFalse(lostOwners.contains(contributorOf.get(lease)), "lease " + lease + " of a lost owner counts");
                }
            }
        }
        assertTrue(updates > 1_000, updates + " rounds ended with an update");
    }
}
