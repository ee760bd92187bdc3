package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;
import org.elasticscrl.protocol.WorkerProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator that cannot read the run state from a majority (taking over while cut off): it reads again
 * until a majority answers — never its own copy — workers wait meanwhile, and an operator's status says why
 * the run waits instead of going unanswered.
 */
class StateReadTest extends ManualTimeKit {
    @TempDir
    Path dir;

    @Test
    void whileNoMajorityAnswersTheRunWaitsAndStatusSaysWhy() {
        try (CoordinatorHarness h = new CoordinatorHarness(kit, dir, 96, true, "--cluster/min_workers=1")) {
            time.timePasses(Duration.ofSeconds(3)); // the first read times out
            ShellProtocol.Answer waiting = h.ask("status", "");
            assertFalse(waiting.ok(), waiting.json());
            assertTrue(waiting.json().contains("not read from a majority of coordinator nodes yet (attempt 2"),
                    waiting.json());
            TestProbe<WorkerProtocol.Command> worker = kit.createTestProbe();
            h.send(new CoordinatorProtocol.RegisterWorker("a", "cpu", CoordinatorHarness.MEMORY, 1,
                    h.unsealing("a", worker.ref())));
            worker.expectNoMessage(Duration.ofMillis(300)); // no run to welcome it to yet
            h.replicationCut.set(false);
            time.timePasses(Duration.ofSeconds(3)); // the read under way times out; the next one is answered
            worker.expectMessageClass(WorkerProtocol.Welcome.class, CoordinatorHarness.WAIT);
            ShellProtocol.Answer running = h.ask("status", "");
            assertTrue(running.ok(), running.json());
        }
    }
}
