package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** No single exception stops the coordinator: it restarts from its setup; past the limit the node gives the run up. */
class CoordinatorSupervisorTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** A stand-in run that counts its starts and throws on every WorkerFailed, echoing anything else. */
    private static Behavior<Command> fragile(AtomicInteger starts, ActorRef<String> echo) {
        return Behaviors.setup(ctx -> {
            starts.incrementAndGet();
            return Behaviors.receive(Command.class)
                    .onMessage(WorkerFailed.class, m -> {
                        throw new IllegalStateException("bug triggered by " + m.workerId());
                    })
                    .onMessage(Command.class, m -> {
                        echo.tell("alive");
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    @Test
    void anExceptionRestartsTheRunAndRepeatedOnesGiveTheRunUp() {
        TestProbe<Coordinator.Finished> finished = KIT.createTestProbe();
        TestProbe<String> echo = KIT.createTestProbe();
        AtomicInteger starts = new AtomicInteger();
        var setup = new Coordinator.Setup(null, "", "run", null, null, Map.of(), f -> finished.ref().tell(f));
        ActorRef<Command> coordinator = KIT.spawn(CoordinatorSupervisor.supervise(setup, fragile(starts, echo.ref())));
        TestProbe<Object> watcher = KIT.createTestProbe();
        for (int failure = 1; failure <= CoordinatorSupervisor.RESTARTS; failure++) {
            coordinator.tell(new WorkerFailed("w-" + failure, "lease", "x"));
            coordinator.tell(new CoordinatorProtocol.SyncCompleted("w", 1));
            echo.expectMessage(Duration.ofSeconds(5), "alive"); // restarted, answering
            assertEquals(failure + 1, starts.get(), "started again from its setup");
        }
        finished.expectNoMessage(Duration.ofMillis(200));
        coordinator.tell(new WorkerFailed("w-last", "lease", "x"));
        Coordinator.Finished f = finished.expectMessageClass(Coordinator.Finished.class, Duration.ofSeconds(5));
        assertTrue(f.error().contains("failed repeatedly") && f.error().contains("bug triggered by w-last"), f.error());
        watcher.expectTerminated(coordinator, Duration.ofSeconds(5));
    }
}
