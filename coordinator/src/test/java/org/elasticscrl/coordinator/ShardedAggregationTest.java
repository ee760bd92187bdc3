package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.WorkerProtocol.AddToShard;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.CopyShardMean;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.SealShard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cluster.aggregation = sharded at the message level: the coordinator sums step 0 itself (it learns the layout), then
 * cuts the parameter space among the workers, orders each owner to add every contribution's slice, seals once every
 * chunk is in and every sum whole, and commits the owners' means once another owner copied each — no tensor through it.
 * The fake workers play owner and backup holder here: they sum what they are told to, publish the mean, copy another's.
 */
class ShardedAggregationTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    @TempDir
    Path dir;
    private CoordinatorHarness h;
    /** What each fake owner holds: (shard, generation) to the slices it added, by lease. */
    private final Map<String, Map<Long, float[][]>> held = new HashMap<>();

    @AfterAll
    static void down() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private Fake[] start(boolean canonical, String... more) {
        List<String> args = new ArrayList<>(List.of("--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2",
                "--cluster/canonical_sum=" + canonical, "--cluster/aggregation=sharded"));
        args.addAll(List.of(more));
        h = new CoordinatorHarness(KIT, dir, 96, args.toArray(String[]::new));
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        assertEquals(List.of(), la.shardCuts(), "step 0 is summed by the coordinator: the layout is not known yet");
        h.send(h.answer(w[0], la));
        h.send(h.answer(w[1], lb));
        assertTrue(w[0].commit().updateShards().isEmpty());
        w[1].commit();
        return w;
    }

    /** {@code l}'s honest answer, sent as one slice per shard of its cut points. */
    private ContributionReady sliced(Fake w, Lease l) {
        return sliced(w, l, 100);
    }

    /** As computed at {@code speed} samples/s. */
    private ContributionReady sliced(Fake w, Lease l, double speed) {
        return h.sliced(w.id(), l, speed);
    }

    /** {@code owner} adds the slice it is told to, and says so. */
    private AddToShard add(Fake owner) {
        AddToShard a = owner.expect(AddToShard.class);
        held.computeIfAbsent(owner.id() + "/" + a.shard() + "/" + a.generation(), k -> new HashMap<>())
                .put(a.lease(), h.tensors.read(a.slice()));
        h.send(new ShardAdded(owner.id(), a.step(), a.shard(), a.generation(), a.lease(), "", false, false));
        return a;
    }

    /** {@code owner} publishes the mean it is told to seal: its slices of exactly those leases, summed and scaled. */
    private SealShard seal(Fake owner) {
        SealShard s = owner.expect(SealShard.class);
        Map<Long, float[][]> slices = held.get(owner.id() + "/" + s.shard() + "/" + s.generation());
        assertEquals(new java.util.TreeSet<>(s.leases()), new java.util.TreeSet<>(slices.keySet()));
        float[] sum = null;
        for (float[][] parts : slices.values()) {
            for (float[] p : parts) {
                sum = sum == null ? p.clone() : add(sum, p);
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= s.scale();
        }
        h.send(new ShardSealed(owner.id(), s.step(), s.shard(), s.generation(), s.leases(), h.tensors.publish(sum), ""));
        return s;
    }

    /** Both owners seal their shard, and each keeps a copy of the other's mean: what the step needs to commit. */
    private SealShard sealAndCopy(Fake[] w) {
        SealShard s = seal(w[0]);
        seal(w[1]);
        assertEquals(0, copy(w[1]).shard(), "b keeps the backup of a's mean");
        assertEquals(1, copy(w[0]).shard());
        return s;
    }

    /** {@code holder} copies the mean it is told to and serves the copy. */
    private CopyShardMean copy(Fake holder) {
        CopyShardMean c = holder.expect(CopyShardMean.class);
        h.send(new ShardMeanCopied(holder.id(), c.step(), c.shard(), c.generation(),
                h.tensors.publish(h.tensors.read(c.mean())), ""));
        return c;
    }

    /** The commit holds exactly the chunks first leased as {@code la} and {@code lb}, whoever computed them at last. */
    private void checkUpdate(Commit c, Lease la, Lease lb) {
        List<Integer> all = new ArrayList<>(la.chunks());
        all.addAll(lb.chunks());
        checkUpdate(c, all);
    }

    /** The commit's shard means put together are the sample-weighted mean of exactly {@code chunks}' fake gradients. */
    private void checkUpdate(Commit c, List<Integer> chunks) {
        assertNull(c.update(), "no tensor through the coordinator");
        float[] flat = new float[0];
        for (BlobRef mean : c.updateShards()) {
            flat = CoordinatorHarness.concat(flat, h.tensors.read(mean)[0]);
        }
        var p = h.plan(1);
        double n = 0;
        double weighted = 0;
        for (int chunk : chunks) {
            n += p.chunk(chunk).length;
            weighted += (double) p.chunk(chunk).length * chunk;
        }
        assertEquals((int) n, c.samples());
        assertArrayEquals(new float[] {1f, (float) (weighted / n), 1f}, flat, 1e-5f);
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void eachOwnerSumsItsShardAndTheCommitNamesTheirMeans(boolean canonical) {
        Fake[] w = start(canonical);
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        assertEquals(List.of(0, 2, 3), la.shardCuts(), "a owns [0, 2), b owns [2, 3) of the 3-element layout");
        assertEquals(la.shardCuts(), lb.shardCuts());
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        for (int i = 0; i < 2; i++) {
            assertEquals(0, add(w[0]).shard());
            assertEquals(1, add(w[1]).shard());
        }
        SealShard s = sealAndCopy(w);
        assertEquals(1f / 32, s.scale());
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        assertEquals(2, c.updateShards().size());
        checkUpdate(c, la, lb);
        assertEquals(2, c.updateBackups().size());
        for (int shard = 0; shard < 2; shard++) {
            assertTrue(!c.updateBackups().get(shard).equals(c.updateShards().get(shard)), "a copy, not the mean again");
            assertArrayEquals(h.tensors.read(c.updateShards().get(shard))[0], h.tensors.read(c.updateBackups()
                    .get(shard))[0]);
        }
    }

    /** A holder that cannot copy is named; with no other owner left, the step commits with its owner's copy only. */
    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void aMeanThatCannotBeCopiedCommitsWithItsOwnersCopyOnly(boolean canonical) {
        Fake[] w = start(canonical);
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        for (int i = 0; i < 2; i++) {
            add(w[0]);
            add(w[1]);
        }
        seal(w[0]);
        seal(w[1]);
        CopyShardMean refused = w[1].expect(CopyShardMean.class);
        h.send(new ShardMeanCopied("b", refused.step(), refused.shard(), refused.generation(), null, "No space left"));
        assertTrue(h.events("backup-failed", 1).get(0).contains("committed with its owner's copy only"));
        copy(w[0]);
        Commit c = w[0].commit();
        checkUpdate(c, la, lb);
        assertEquals(c.updateShards().get(0), c.updateBackups().get(0), "shard 0's mean stands in for its backup");
        assertTrue(!c.updateShards().get(1).equals(c.updateBackups().get(1)));
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void aLostOwnersShardIsSummedAgainByASurvivorAndItsContributionLeasedAgain(boolean canonical) {
        Fake[] w = start(canonical);
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        add(w[0]);
        add(w[0]); // a has both slices of shard 0; b dies before adding anything
        w[1].probe().stop();
        h.events("shards-moved", 1);
        // b's contribution is gone with b (its slice of its own shard too): every sum starts again from a's alone —
        // shard 0's held b's slice, and b's shard goes to a
        AddToShard again = add(w[0]);
        assertEquals(List.of(0, 1, la.leaseId()), List.of(again.shard(), again.generation(), again.lease()));
        AddToShard moved = add(w[0]);
        assertEquals(List.of(1, 1, la.leaseId()), List.of(moved.shard(), moved.generation(), moved.lease()));
        Lease retry = w[0].lease();
        assertEquals(lb.chunks(), retry.chunks(), "b's chunks, leased to a");
        h.send(sliced(w[0], retry));
        add(w[0]);
        add(w[0]);
        seal(w[0]);
        seal(w[0]);
        Commit c = w[0].commit();
        checkUpdate(c, la, lb);
        assertEquals(Map.of(), h.commits(2).get(1).chunks().entrySet().stream().filter(e -> !e.getValue().equals("a"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                "every chunk of step 1 answered by a");
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void anInvalidSliceCountsForNothingAndItsChunksGoElsewhere(boolean canonical) {
        Fake[] w = start(canonical);
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        add(w[0]);
        add(w[0]);
        add(w[1]); // a's slice of shard 1
        AddToShard bad = w[1].expect(AddToShard.class); // b's own slice of shard 1: say it held a NaN
        assertEquals(lb.leaseId(), bad.lease());
        h.send(new ShardAdded("b", bad.step(), bad.shard(), bad.generation(), bad.lease(), "non-finite value NaN at"
                + " element 0 of the payload", true, false));
        assertTrue(h.events("invalid-contribution", 1).get(0).contains("non-finite value NaN"));
        // shard 0's sum held b's contribution: summed again from a's alone; shard 1's add of it failed: kept
        AddToShard again = add(w[0]);
        assertEquals(List.of(0, 1, la.leaseId()), List.of(again.shard(), again.generation(), again.lease()));
        Lease retry = w[0].lease();
        assertEquals(lb.chunks(), retry.chunks(), "b's chunks, leased to a");
        h.send(sliced(w[0], retry));
        add(w[0]);
        add(w[1]);
        sealAndCopy(w);
        Commit c = w[0].commit();
        checkUpdate(c, la, lb);
        assertEquals(c, w[1].commit(), "b stays a replica");
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void anOwnerThatStallsHasItsShardSummedByAnotherAndOwnsNoShardAfter(boolean canonical) {
        Fake[] w = start(canonical, "--cluster/deadline_floor_s=1"); // the sums are due 4 s after the last chunk is in
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        add(w[0]);
        add(w[0]);
        w[1].expect(AddToShard.class); // b takes its orders and never answers (alive: it stays a member)
        w[1].expect(AddToShard.class);
        assertTrue(h.events("shards-stalled", 1).get(0).contains("step 1"));
        aSumsEveryShardOfStepOneAndBNoMore(w, la, lb);
    }

    /**
     * An owner whose add of its own slice fails — a local fetch: the fault is its own (as when it held another
     * coordinator's sum under the same key) — is taken for stalled at once, not left to fail every contribution leased
     * again and again.
     */
    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void anOwnerThatCannotAddItsOwnSliceSumsNoMore(boolean canonical) {
        Fake[] w = start(canonical);
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la));
        h.send(sliced(w[1], lb));
        add(w[0]);
        add(w[0]);
        add(w[1]); // a's slice of shard 1
        AddToShard own = w[1].expect(AddToShard.class);
        assertEquals(lb.leaseId(), own.lease());
        h.send(new ShardAdded("b", own.step(), own.shard(), own.generation(), own.lease(), "shard Key[step=1, shard=1,"
                + " generation=0] has 2 elements, not 1", false, false));
        String stalled = h.events("shards-stalled", 1).get(0);
        assertTrue(stalled.contains("its own contribution") && stalled.contains("step 1"), stalled);
        aSumsEveryShardOfStepOneAndBNoMore(w, la, lb);
    }

    /** b sums no more: a sums both shards of step 1 anew, b's chunks are computed again, and step 2 is a's alone. */
    private void aSumsEveryShardOfStepOneAndBNoMore(Fake[] w, Lease la, Lease lb) {
        // b's slice of its own shard is only on b: its contribution no longer counts, and a sums every shard anew
        AddToShard again = add(w[0]);
        assertEquals(List.of(0, 1, la.leaseId()), List.of(again.shard(), again.generation(), again.lease()));
        AddToShard moved = add(w[0]);
        assertEquals(List.of(1, 1, la.leaseId()), List.of(moved.shard(), moved.generation(), moved.lease()));
        // b's chunks go out again — to b too, if its speed says so: it still computes, it only sums no more
        Lease retry = w[0].lease();
        h.send(sliced(w[0], retry));
        List<Integer> again2 = new ArrayList<>(retry.chunks());
        if (retry.chunks().size() < lb.chunks().size()) {
            Lease rb = w[1].lease();
            h.send(sliced(w[1], rb));
            again2.addAll(rb.chunks());
            add(w[0]);
            add(w[0]);
        }
        assertEquals(new java.util.TreeSet<>(lb.chunks()), new java.util.TreeSet<>(again2));
        add(w[0]);
        add(w[0]);
        seal(w[0]);
        seal(w[0]);
        Commit c = w[0].commit();
        checkUpdate(c, la, lb);
        assertEquals(c, w[1].commit(), "b stays a replica");
        assertEquals(List.of(0, 3), w[0].lease().shardCuts(), "step 2: b owns no shard");
    }

    /**
     * The owners' deadline runs from the last chunk coming in and the last order sent: a slice that fails to arrive
     * sends its chunks out again, and however long they take to be computed anew, no owner is blamed for the wait.
     */
    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void chunksOutAgainGiveTheOwnersTheirDeadlineAfresh(boolean canonical) throws Exception {
        // the sums are due 4 s after the last chunk is in; workers measured at 2 samples/s get 32 s a lease
        Fake[] w = start(canonical, "--cluster/deadline_floor_s=1", "--cluster/speed_ewma=1");
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(sliced(w[0], la, 2));
        h.send(sliced(w[1], lb, 2));
        add(w[0]);
        add(w[0]);
        AddToShard lost = w[1].expect(AddToShard.class); // a's slice of shard 1 does not arrive
        assertEquals(la.leaseId(), lost.lease());
        add(w[1]);
        h.send(new ShardAdded("b", lost.step(), lost.shard(), lost.generation(), lost.lease(), "connection reset", false,
                false));
        add(w[0]); // shard 0 summed again without lease a
        List<Lease> again = new ArrayList<>(List.of(w[0].lease()));
        if (again.get(0).chunks().size() < la.chunks().size()) {
            again.add(w[1].lease());
        }
        Thread.sleep(5_000); // the chunks take longer to compute again than the owners' deadline
        assertEquals(0, h.events("shards-stalled", 0).size(), "no owner is blamed while chunks are out");
        for (Lease l : again) {
            h.send(sliced(l == again.get(0) ? w[0] : w[1], l, 2));
            add(w[0]);
            add(w[1]);
        }
        sealAndCopy(w);
        checkUpdate(w[0].commit(), la, lb);
    }

    private static float[] add(float[] acc, float[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
        return acc;
    }
}
