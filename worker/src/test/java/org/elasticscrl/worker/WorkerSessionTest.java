package org.elasticscrl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.WorkerProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's session with the coordinator follows the coordinator's newest Welcome. Seen under load with 16 workers:
 * a worker's registration was repeated (its first Welcome was late), the coordinator dropped the worker as unreachable
 * in between and so welcomed the repeat in a new session — while the worker stayed in the first one, refused the new
 * session's first message as a replay and never computed the lease it was then given (a step waited out the deadline
 * cap). With a cluster secret the old session refuses every message of the new one.
 */
class WorkerSessionTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ClusterSecret SECRET = ClusterSecret.of("a cluster secret of 32 bytes ...".getBytes(
            StandardCharsets.US_ASCII));

    @AfterAll
    static void down() {
        KIT.shutdownTestKit();
    }

    @Test
    void aRepeatedRegistrationWelcomedInANewSessionIsHeardInThatSession(@TempDir Path tmp) throws Exception {
        TestProbe<CoordinatorProtocol.Command> coordinator = KIT.createTestProbe();
        // the replica is never built here: its thread waits, so only the session is exercised
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        thread.execute(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        WorkerSettings settings = new WorkerSettings("worker-s", "cpu", 1L << 30, 1, 1, 1.0, SECRET, null, "test", true,
                tmp, Poison.of("none"), DiskFault.of("none"), null);
        ActorRef<WorkerProtocol.Command> worker = KIT.spawn(WorkerActor.create(settings, coordinator.ref(), null, thread,
                new KeptReplica(), () -> { }));
        try {
            var first = registration(coordinator);
            String ref = ActorRefResolver.get(KIT.system()).toSerializationFormat(first.worker());
            String yaml = ConfigLoader.toYaml(ConfigLoader.load("scrl_cpu", List.of()));
            Session a = welcome(worker, ref, first.nonce(), yaml);
            Session b = welcome(worker, ref, first.nonce(), yaml); // the repeat, welcomed after the worker was dropped
            worker.tell(a.seal(new WorkerProtocol.Resync("the first session's message"))); // heard, ignored: no replica
            // the coordinator speaks in its newest session: the worker must hear it (here: refused, so it stops)
            worker.tell(b.seal(new WorkerProtocol.Refused("told in the second session")));
            coordinator.expectTerminated(worker, Duration.ofSeconds(10));
        } finally {
            never.countDown();
            thread.shutdown();
        }
    }

    private static CoordinatorProtocol.RegisterWorker registration(TestProbe<CoordinatorProtocol.Command> coordinator) {
        var m = coordinator.fishForMessage(Duration.ofSeconds(10), c -> c instanceof CoordinatorProtocol.RegisterWorker
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
        assertEquals(1, m.size());
        return (CoordinatorProtocol.RegisterWorker) m.get(0);
    }

    /** A Welcome in a new coordinator-side session, as the coordinator sends one; returns that session. */
    private static Session welcome(ActorRef<WorkerProtocol.Command> worker, String ref, String workerNonce, String yaml) {
        String nonce = ClusterSecret.nonce();
        Session s = new Session("worker-s", SECRET.sessionKey("worker-s", ref, workerNonce, nonce), true);
        String text = Session.welcomeText("run_000", yaml, 1, -1, nonce);
        worker.tell(new WorkerProtocol.Welcome("run_000", yaml, 1, -1, nonce, s.proof(text)));
        return s;
    }
}
