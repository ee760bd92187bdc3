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
 * A worker that comes back with its own replica a few commits behind (downed before it applied the last ones,
 * or after the run went on) while those commits' updates are still served (cluster.replay_steps): it is active
 * at once and sent the commits it lacks, in order — no state copied from a peer — and leased like any worker.
 */
class CatchUpTest extends ManualTimeKit {
    @TempDir
    Path dir;

    @Test
    void aReplicaTwoCommitsBehindIsSentThoseCommitsThenLeased() {
        try (CoordinatorHarness h = new CoordinatorHarness(kit, dir, 256, "--train/chunk_size=8",
                "--train/batch_size_train=32", "--train/max_epochs=2", "--train/warmup_epochs=1",
                "--cluster/min_workers=2", "--cluster/replay_steps=4")) {
            Fake[] w = h.two();
            Fake a = w[0];
            h.send(h.answer(a, a.lease()));
            h.send(h.answer(w[1], w[1].lease()));
            assertEquals(0, a.commit().step());
            assertEquals(0, w[1].commit().step());
            w[1].probe().stop(); // b's node is gone with its replica at step 0
            h.events("gone", 1);
            List<Long> commits = computeAlone(h, a, 2);
            assertEquals(List.of(1L, 2L), commits);

            Fake back = h.register("b"); // its next node, with the replica it kept
            h.send(new CoordinatorProtocol.WorkerReady("b", 256, 0));
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
            // (membership.csv writes the detail's comma as a semicolon)
            assertTrue(active.matches(".*,b,active,own replica at step 0[,;] catching up 2 commits"), active);
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
