package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One faulty worker must not poison the run (issue: nothing lost, nothing poisoned): a contribution with a
 * NaN, a sample count its chunks cannot hold, or a payload of another layout counts for nothing — its
 * chunks go to another worker and the commit holds only valid sums; a worker that keeps failing is
 * quarantined until an operator re-admits it; a replica whose checksum differs from the majority's is
 * told to resynchronise. Each of these passed the old coordinator unchecked.
 */
class ContributionValidationTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QUIET = Duration.ofMillis(300);
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

    private CoordinatorHarness harness(boolean canonical, String... more) {
        List<String> args = new ArrayList<>(List.of("--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2",
                "--cluster/canonical_sum=" + canonical));
        args.addAll(List.of(more));
        h = new CoordinatorHarness(KIT, dir, 96, args.toArray(String[]::new));
        return h;
    }

    /** {@code l}'s honest answer with {@code poison} written into its first gradient value. */
    private ContributionReady poisoned(Fake w, Lease l, float poison) {
        ContributionReady honest = h.answer(w, l);
        float[][] parts = h.tensors.read(honest.blob());
        parts[0][0] = poison;
        return CoordinatorHarness.withBlob(honest, honest.metrics(), h.tensors.publish(parts));
    }

    private JsonNode ask(String command, String argument) throws Exception {
        var a = h.ask(command, argument);
        assertTrue(a.ok(), command + ": " + a.json());
        return JSON.readTree(a.json());
    }

    /** b answers its own lease and then a's chunks, leased to it after a's contribution was refused. */
    private Commit bTakesOver(Fake[] w, Lease la, Lease lb) {
        h.send(h.answer(w[1], lb));
        Lease again = w[1].lease();
        assertEquals(la.chunks(), again.chunks(), "a's chunks, leased to b");
        h.send(h.answer(w[1], again));
        Commit c = w[1].commit();
        assertEquals(c, w[0].commit(), "a stays a replica: it applies the commit");
        h.checkUpdate(c, 1, List.of(0, 1, 2, 3)); // every chunk once, the poisoned values nowhere
        Map<Integer, String> who = h.commits(1).get(0).chunks();
        assertEquals(Map.of(0, "b", 1, "b", 2, "b", 3, "b"), who);
        return c;
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void aNonFiniteContributionCountsForNothingAndItsChunksGoElsewhere(boolean canonical) {
        harness(canonical);
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(poisoned(w[0], la, Float.NaN));
        String event = h.events("invalid-contribution", 1).get(0);
        assertTrue(event.contains("non-finite value NaN"), event);
        bTakesOver(w, la, lb);
        // step 1: a is trusted again for new chunks (one failure is not a quarantine)
        assertEquals(1, w[0].lease().step());
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void aContributionClaimingMoreSamplesThanItsChunksHoldIsRefused(boolean canonical) {
        harness(canonical);
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        ContributionReady honest = h.answer(w[0], la);
        StepMetrics m = honest.metrics();
        var inflated = new StepMetrics(m.samples() * 2, m.sslLossSum(), 0, 0, 0, 0, 0, 0);
        h.send(CoordinatorHarness.withBlob(honest, inflated, honest.blob()));
        String event = h.events("invalid-contribution", 1).get(0);
        assertTrue(event.contains("claims " + 2 * m.samples() + " samples, its chunks hold " + m.samples()), event);
        Commit c = bTakesOver(w, la, lb);
        assertEquals(32, c.samples());
    }

    @ParameterizedTest(name = "canonical_sum={0}")
    @ValueSource(booleans = {true, false})
    void afterTheFirstCommitAPayloadOfAnotherLayoutIsTheSendersFault(boolean canonical) {
        harness(canonical);
        Fake[] w = h.two();
        h.send(h.answer(w[0], w[0].lease()));
        h.send(h.answer(w[1], w[1].lease()));
        w[0].commit();
        w[1].commit();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        ContributionReady honest = h.answer(w[0], la);
        float[][] parts = h.tensors.read(honest.blob());
        parts[0] = java.util.Arrays.copyOf(parts[0], parts[0].length + 1); // one gradient value too many
        h.send(CoordinatorHarness.withBlob(honest, honest.metrics(), h.tensors.publish(parts)));
        String event = h.events("invalid-contribution", 1).get(0);
        assertTrue(event.contains("the run's layout is [2, 1]") || event.contains("differ from the run's layout [2, 1]"),
                event);
        h.send(h.answer(w[1], lb));
        Lease again = w[1].lease();
        assertEquals(la.chunks(), again.chunks());
        h.send(h.answer(w[1], again));
        assertEquals(1, w[1].commit().step());
    }

    @Test
    void aWorkerThatKeepsFailingIsQuarantinedUntilAnOperatorAdmitsIt() throws Exception {
        harness(true, "--cluster/max_invalid_contributions=2");
        Fake[] w = h.two();
        for (int step = 0; step < 2; step++) { // two failures in a row: quarantined
            Lease la = w[0].lease();
            Lease lb = w[1].lease();
            assertEquals(step, la.step());
            h.send(poisoned(w[0], la, Float.POSITIVE_INFINITY));
            h.events("invalid-contribution", step + 1);
            h.send(h.answer(w[1], lb));
            h.send(h.answer(w[1], w[1].lease()));
            w[0].commit();
            w[1].commit();
        }
        assertTrue(h.events("quarantined", 1).get(0).contains("cluster.max_invalid_contributions = 2"));
        Lease all = w[1].lease(); // step 2: every chunk to b
        assertEquals(2, all.step());
        assertEquals(4, all.chunks().size());
        w[0].probe().expectNoMessage(QUIET);
        JsonNode workers = ask("workers", "");
        assertFalse(workers.get("workers").get(0).get("quarantined").asText().isEmpty(), workers.toString());
        assertTrue(ask("status", "").get("waiting_on").asText().contains("quarantined (no leases until admitted): a"));
        ask("admit", "a");
        h.send(h.answer(w[1], all));
        w[0].commit();
        w[1].commit();
        assertEquals(3, w[0].lease().step(), "re-admitted: a is leased chunks again");
        assertEquals(2, w[1].lease().chunks().size());
    }

    @Test
    void aReplicaWhoseChecksumDiffersFromTheMajorityIsResynchronised() {
        harness(true, "--cluster/min_workers=3");
        Fake a = h.register("a");
        Fake b = h.register("b");
        Fake c = h.register("c");
        for (Fake f : new Fake[] {a, b, c}) {
            h.ready(f);
        }
        for (Fake f : new Fake[] {a, b, c}) {
            f.expect(WorkerProtocol.SyncFrom.class);
            h.send(h.answer(f, f.lease()));
        }
        for (Fake f : new Fake[] {a, b, c}) {
            assertEquals(0, f.commit().step());
            assertEquals(1, f.lease().step());
        }
        h.send(new UpdateApplied("a", 0, 0xAAAL));
        h.send(new UpdateApplied("c", 0, 0xBADL)); // 1 against 1 of 3 replicas: no majority yet, nobody moved
        assertTrue(h.events("checksum-mismatch", 1).get(0).contains("no majority yet"));
        c.probe().expectNoMessage(QUIET);
        h.send(new UpdateApplied("b", 0, 0xAAAL));
        assertTrue(h.events("checksum-mismatch", 2).get(1).contains("resynchronising [c] from a majority holder"));
        assertTrue(c.expect(WorkerProtocol.Resync.class).reason().contains("differs from the majority's after step 0"));
        assertTrue(h.events("gone", 1).get(0).contains("differs from the majority's"));
        // c registers again with the replica it holds: not the run's state, so it is not reused but replaced
        Fake again = h.register("c");
        h.send(new org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady("c", 96, 0, 0xBADL));
        String refused = h.events("own-replica-refused", 1).get(0);
        assertTrue(refused.contains("bad differs from the run's aaa after step 0; copying a peer's state"), refused);
        again.probe().expectNoMessage(QUIET);
    }
}
