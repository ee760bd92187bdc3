package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that comes back with its own replica (downed and started again as a new node, or resynchronised) is
 * reused only when its state checksum shows it is the run's state ({@link ReturningReplicas}). A few commits
 * behind, while those commits' updates are still served (cluster.replay_steps), and with the checksum the replicas
 * reported for its step: it is active at once and sent the commits it lacks, in order — no state copied from a
 * peer — and leased like any worker. With another checksum, or none, a peer's state is copied. At the last commit,
 * with no checksum reported for it, a live peer is asked for its own.
 */
class CatchUpTest extends ManualTimeKit {
    private static final long RUNS = 0xA0A0L;

    @TempDir
    Path dir;

    private int runs;

    /** A coordinator with its own save_dir (some tests run two). */
    private CoordinatorHarness harness() {
        return new CoordinatorHarness(kit, dir.resolve("run-" + runs++), 256, "--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2", "--cluster/replay_steps=4");
    }

    /** a and b commit step 0 (reporting {@code checksum} when not 0); b's node dies; returns a. */
    private static Fake bGoneAfterStepZero(CoordinatorHarness h, long checksum) {
        Fake[] w = h.two();
        h.send(h.answer(w[0], w[0].lease()));
        h.send(h.answer(w[1], w[1].lease()));
        assertEquals(0, w[0].commit().step());
        assertEquals(0, w[1].commit().step());
        if (checksum != 0) {
            h.send(new CoordinatorProtocol.UpdateApplied("a", 0, checksum));
            h.send(new CoordinatorProtocol.UpdateApplied("b", 0, checksum));
        }
        w[1].probe().stop(); // b's node is gone with its replica at step 0
        h.events("gone", 1);
        return w[0];
    }

    @Test
    void aReplicaTwoCommitsBehindIsSentThoseCommitsThenLeased() {
        try (CoordinatorHarness h = harness()) {
            Fake a = bGoneAfterStepZero(h, RUNS);
            List<Long> commits = computeAlone(h, a, 2);
            assertEquals(List.of(1L, 2L), commits);

            Fake back = h.register("b"); // its next node, with the replica it kept
            h.send(new CoordinatorProtocol.WorkerReady("b", 256, 0, RUNS));
            List<Long> applied = new ArrayList<>();
            boolean step3Driven = false;
            while (true) {
                WorkerProtocol.Command m = back.probe().receiveMessage(CoordinatorHarness.WAIT);
                assertFalse(m instanceof WorkerProtocol.SyncFrom s && s.state() != null, "a state was copied: " + m);
                if (m instanceof Commit c) {
                    applied.add(c.step());
                } else if (m instanceof Lease l) {
                    assertTrue(l.step() > 2, "leased step " + l.step() + " before catching up");
                    break;
                }
                if (applied.size() == 2 && !step3Driven) {
                    step3Driven = true;
                    computeAlone(h, a, 3); // step 3 was leased to a alone: b is leased from step 4
                }
            }
            assertEquals(List.of(1L, 2L), applied.subList(0, 2));
            String active = h.events("active", 3).get(2);
            assertTrue(active.matches(".*,b,active,own replica at step 0, checksum a0a0, the run's, catching up"
                    + " 2 commits"), active);
        }
    }

    @Test
    void aReplicaWhoseChecksumIsNotTheRunsIsReplacedByAPeersState() {
        for (long brought : new long[] {0xBADL, 0}) {
            try (CoordinatorHarness h = harness()) {
                Fake a = bGoneAfterStepZero(h, RUNS);
                computeAlone(h, a, 1);
                Fake back = h.register("b");
                h.send(new CoordinatorProtocol.WorkerReady("b", 256, 0, brought));
                assertEquals("b", next(a, WorkerProtocol.ProvideState.class).forWorker(), "a peer's state is copied");
                String refused = h.events("own-replica-refused", 1).get(0);
                assertTrue(refused.contains(brought == 0 ? "brought no checksum" : "bad differs from the run's a0a0"),
                        refused);
                back.probe().expectNoMessage(java.time.Duration.ofMillis(200)); // no SyncFrom without a state, no lease
            }
        }
    }

    @Test
    void atTheLastCommitWithNoChecksumReportedALivePeerIsAskedForItsOwn() {
        for (long peers : new long[] {0xC0FFEEL, 0xBEEFL}) {
            try (CoordinatorHarness h = harness()) {
                Fake a = bGoneAfterStepZero(h, 0); // nobody reported a checksum of step 0; a holds its lease of step 1
                Fake back = h.register("b");
                h.send(new CoordinatorProtocol.WorkerReady("b", 256, 0, 0xC0FFEEL));
                assertEquals(0, next(a, WorkerProtocol.ReportChecksum.class).step());
                assertTrue(h.events("checking", 1).get(0).contains("asking a"));
                back.probe().expectNoMessage(java.time.Duration.ofMillis(200)); // waits for the answer, leased nothing
                h.send(new CoordinatorProtocol.StateChecksum("a", 0, peers));
                if (peers == 0xC0FFEEL) {
                    var from = back.expect(WorkerProtocol.SyncFrom.class);
                    assertEquals(0, from.step());
                    assertEquals(null, from.state(), "its own state, reused");
                    String active = h.events("active", 3).get(2);
                    assertTrue(active.matches(".*,b,active,own replica at step 0, checksum c0ffee, a's"), active);
                } else {
                    assertEquals("b", next(a, WorkerProtocol.ProvideState.class).forWorker());
                    assertTrue(h.events("own-replica-refused", 1).get(0).contains("c0ffee differs from a's beef"));
                }
            }
        }
    }

    /** {@code w}'s next message of {@code type}, past its leases and commits. */
    private static <T extends WorkerProtocol.Command> T next(Fake w, Class<T> type) {
        while (true) {
            WorkerProtocol.Command m = w.probe().receiveMessage(CoordinatorHarness.WAIT);
            if (type.isInstance(m)) {
                return type.cast(m);
            }
            assertTrue(m instanceof Lease || m instanceof Commit, "unexpected " + m);
        }
    }

    /** Drives {@code a} (answering every lease) until the commit of {@code step}; returns the commits it saw. */
    private static List<Long> computeAlone(CoordinatorHarness h, Fake a, long step) {
        List<Long> commits = new ArrayList<>();
        while (commits.isEmpty() || commits.get(commits.size() - 1) < step) {
            WorkerProtocol.Command m = a.probe().receiveMessage(CoordinatorHarness.WAIT);
            if (m instanceof Lease l) {
                h.send(h.answer(a, l));
            } else if (m instanceof Commit c) {
                commits.add(c.step());
            }
        }
        return commits;
    }
}
