package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's word counts only inside its session: an unsealed contribution, one sealed in another
 * worker's session, and a replayed one are refused (each logged once) and change nothing; the real one
 * commits the step, once.
 */
class SessionsTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
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

    @Test
    void onlyAWorkersOwnSessionCarriesItsContributionAndOnlyOnce() {
        h = new CoordinatorHarness(KIT, dir, 96, "--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2");
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        ContributionReady fromA = h.answer(w[0], la);
        h.send(h.answer(w[1], lb));

        h.coordinator.tell(fromA); // as a node without the session would send it
        assertTrue(h.events("refused-message", 1).get(0).contains("unsealed ContributionReady"));
        Sealed inB = h.sessions.get("b").seal(fromA); // b speaking for a
        h.coordinator.tell(inB);
        assertTrue(h.events("refused-message", 2).get(1).contains("speaks for worker 'a' in b's session"));
        w[0].probe().expectNoMessage(QUIET);

        Sealed real = h.sessions.get("a").seal(fromA);
        h.coordinator.tell(real);
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        h.checkUpdate(c, 1, List.of(0, 1, 2, 3));
        h.coordinator.tell(real); // captured and sent again
        assertTrue(h.events("refused-message", 3).get(2).contains("a replay"));
        assertEquals(1, h.commits(1).size());
        assertEquals(1, w[0].lease().step(), "the run goes on");
    }
}
