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
        List<ShardLedger.Copy> copies = new ArrayList<>();
        for (ShardLedger.Seal s : seals) {
            assertEquals(Set.of(1L, 2L), s.leases());
            copies.add(l.sealed(s.shard(), s.generation(), s.leases(), new BlobRef(s.owner(), 2, s.shard(), 8)));
        }
        assertNull(l.update(), "every mean sealed, none copied yet");
        assertEquals(List.of("b", "c", "a"), copies.stream().map(ShardLedger.Copy::holder).toList(),
                "each mean's backup is kept by the next shard's owner");
        assertEquals(new BlobRef("a", 2, 0, 8), copies.get(0).mean());
        assertEquals(Set.of("a", "b", "c"), l.owing(), "the holders owe their copies");
        copyAll(l, copies);
        assertEquals(List.of("a", "b", "c"), l.update().means().stream().map(BlobRef::host).toList());
        assertEquals(List.of("b", "c", "a"), l.update().backups().stream().map(BlobRef::host).toList());
        assertEquals(Set.of(), l.owing());
        assertThrows(IllegalArgumentException.class, () -> l.accepted(3, "c", slices("c", 3, 2)), "slices unlike the plan");
    }

    /** Each holder copies the mean it was asked for, to a copy on its own host. */
    private static void copyAll(ShardLedger l, List<ShardLedger.Copy> copies) {
        for (ShardLedger.Copy c : copies) {
            if (c != null) {
                l.copied(c.shard(), c.generation(), c.holder(), new BlobRef(c.holder(), 3, c.mean().id(), 8));
            }
        }
    }

    private static List<ShardLedger.Copy> sealAll(ShardLedger l) {
        List<ShardLedger.Copy> copies = new ArrayList<>();
        for (ShardLedger.Seal s : l.seals()) {
            copies.add(l.sealed(s.shard(), s.generation(), s.leases(), new BlobRef(s.owner(), 2, s.shard(), 8)));
        }
        return copies;
    }

    @Test
    void aBackupHolderThatCannotCopyOrIsLostIsReplacedAndACopyFromAnyoneElseCountsForNothing() {
        ShardLedger l = threeWorkers();
        l.accepted(1, "a", slices("a", 1, 3)).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        List<ShardLedger.Copy> copies = sealAll(l);
        l.copied(0, 0, "c", new BlobRef("c", 3, 0, 8)); // not asked: c holds shard 1's backup, not shard 0's
        l.copied(1, 0, "c", new BlobRef("c", 3, 1, 8));
        l.copied(2, 0, "a", new BlobRef("a", 3, 2, 8));
        assertNull(l.update(), "shard 0's backup is not made");
        assertEquals(Set.of("b"), l.owing());
        ShardLedger.Copy next = l.copyFailed(0, 0, "b");
        assertEquals("c", next.holder(), "the next owner in shard order");
        assertNull(l.copyFailed(0, 0, "b"), "a stale failure asks nobody");
        assertEquals(List.of(), l.holderLost("b"), "b holds no backup any more");
        // c is lost before copying: its own shard is summed again elsewhere, the backup it holds of shard 1 moves
        List<ShardLedger.Add> again = l.ownerLost("c", links("a", "b"));
        List<ShardLedger.Copy> moved = l.holderLost("c");
        assertEquals(List.of(1), moved.stream().map(ShardLedger.Copy::shard).toList(),
                "shard 0 has nobody left to keep its backup: its owner a, and b, which could not copy it");
        assertEquals("a", moved.get(0).holder());
        assertEquals(copies.get(1).mean(), moved.get(0).mean());
        l.copied(1, 0, "a", new BlobRef("a", 3, 1, 8));
        again.forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        List<ShardLedger.Copy> last = sealAll(l);
        assertEquals(1, last.size(), "only the lost owner's shard is sealed again");
        copyAll(l, last);
        ShardLedger.Update u = l.update();
        assertEquals(u.means().get(0), u.backups().get(0), "shard 0 commits with its mean only");
        assertEquals(new BlobRef("a", 3, 1, 8), u.backups().get(1));
        assertFalse(u.backups().get(2).host().equals(u.means().get(2).host()), "the re-summed shard 2 is backed up");
    }

    @Test
    void aSingleOwnerCommitsWithItsMeansOnlyAndANewContributionUnsealsEveryBackup() {
        ShardLedger alone = new ShardLedger(7, ShardPlan.balanced(3_000, links("a"), 1));
        alone.accepted(1, "a", slices("a", 1, 1)).forEach(a -> alone.added(a.shard(), a.generation(), a.lease()));
        assertEquals(java.util.Collections.singletonList(null), sealAll(alone), "nobody to keep a backup");
        assertEquals(alone.update().means(), alone.update().backups(), "its mean stands in for its backup");

        ShardLedger l = threeWorkers();
        l.accepted(1, "a", slices("a", 1, 3)).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        copyAll(l, sealAll(l));
        assertNotNull(l.update());
        l.accepted(2, "b", slices("b", 2, 3)).forEach(a -> l.added(a.shard(), a.generation(), a.lease()));
        assertNull(l.update(), "the means and their copies are of lease 1 only");
        List<ShardLedger.Copy> again = sealAll(l);
        assertEquals(3, again.stream().filter(java.util.Objects::nonNull).count(), "every mean is copied again");
        assertNull(l.update());
        copyAll(l, again);
        assertEquals(3, l.update().backups().size());
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
            List<ShardLedger.Copy> copies = new ArrayList<>();
            for (ShardLedger.Seal s : l.seals()) {
                Set<Long> held = sums.getOrDefault(s.shard() + "/" + s.generation(), Set.of());
                copies.add(l.sealed(s.shard(), s.generation(), held,
                        new BlobRef(s.owner(), 1, s.shard() * 1000L + s.generation(), 8)));
            }
            for (ShardLedger.Copy c : copies) { // a copy keeps its mean's id: the check below holds for both
                if (c != null) {
                    assertFalse(c.holder().equals(l.plan().shards().get(c.shard()).owner()), "a backup kept by its owner");
                    assertFalse(lost.contains(c.holder()), "a backup kept by a lost worker");
                    l.copied(c.shard(), c.generation(), c.holder(), new BlobRef(c.holder(), 3, c.mean().id(), 8));
                }
            }
            ShardLedger.Update both = l.update();
            List<BlobRef> update = both == null ? null : new ArrayList<>(both.means());
            if (both != null) {
                update.addAll(both.backups());
            }
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
