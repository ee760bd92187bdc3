package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.plan.ShardPlan;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cluster.shard_shares: the links the workers measure and report with each applied commit size the owners' shares of
 * the next plan (measured), or do not (equal).
 */
class MeasuredSharesTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final long SECOND = 1_000_000_000L;
    @TempDir
    Path dir;
    private CoordinatorHarness h;

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

    @ParameterizedTest(name = "cluster.shard_shares={0}")
    @ValueSource(strings = {"measured", "equal"})
    void aLinkMeasuredFarSlowerOwnsLessOfTheNextPlan(String shares) {
        h = new CoordinatorHarness(KIT, dir, 96, "--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=3",
                "--cluster/aggregation=sharded", "--cluster/shard_shares=" + shares);
        List<Fake> w = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            w.add(h.register(id));
        }
        w.forEach(h::ready);
        w.forEach(f -> f.expect(SyncFrom.class));
        List<Lease> step0 = w.stream().map(Fake::lease).toList();
        // a's and b's links moved 800 MB in a second of busy time, c's 8 MB: baselines, then the totals
        for (long n : new long[] {0, 1}) {
            for (Fake f : w) {
                long mb = f.id().equals("c") ? 8 : 800;
                h.send(new UpdateApplied(f.id(), 0, 0, n * mb * 1_000_000, n * mb * 500_000, n * SECOND, n * SECOND));
            }
        }
        for (int i = 0; i < w.size(); i++) {
            h.send(h.answer(w.get(i), step0.get(i)));
        }
        w.forEach(Fake::commit);
        List<Integer> cuts = w.get(0).lease().shardCuts(); // step 1: sharded over the 3-element layout step 0 taught
        double c = shares.equals("measured") ? 1.0 / 64 : 1; // 0.01 of the median: 2^-6 (powers of two, toward 1)
        assertEquals(cutsOf(ShardPlan.balanced(3, new TreeMap<>(Map.of("a", 1.0, "b", 1.0, "c", c)), 1)), cuts);
        assertEquals(shares.equals("measured") ? List.of(0, 2, 3) : List.of(0, 1, 2, 3), cuts,
                "too slow for any share of the 3-element toy layout, c owns nothing when measured");
        String event = h.events("shards", 1).get(0);
        assertEquals(shares.equals("measured"), event.contains("links measured: a 6.4 Gb/s") && event.contains(
                "c 0.064 Gb/s"), event);
    }

    private static List<Integer> cutsOf(ShardPlan plan) {
        List<Integer> cuts = new ArrayList<>();
        plan.shards().forEach(s -> cuts.add(s.from()));
        cuts.add(plan.length());
        return cuts;
    }
}
