package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosExitsTest {
    @Test
    void aLeaverWhoseJvmStillRunsIsNamedAndStopped() throws Exception {
        ChaosExits exits = new ChaosExits();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Process rejoined = new ProcessBuilder("sleep", "60").start();
        exits.toldToLeave("worker-1", ended);
        exits.toldToLeave("worker-2", rejoined);

        assertEquals(List.of("worker-2"), exits.leaversStillRunning(1));
        rejoined.waitFor();
        assertFalse(rejoined.isAlive(), "a leaver left running is stopped, not orphaned");
    }

    @Test
    void killedAndPowerCutWorkersAreGoneUntilWelcomedBack(@TempDir Path dir) throws Exception {
        ChaosExits exits = new ChaosExits();
        Process cut = new ProcessBuilder("sleep", "60").start();
        Process cutToo = new ProcessBuilder("true").start();
        cutToo.waitFor();
        exits.killed("worker-0");
        exits.cutOff("worker-3", cut);
        exits.cutOff("worker-4", cutToo);

        assertEquals(List.of("worker-4"), exits.backFromPowerCut(), "only a cut JVM that has ended comes back");
        assertEquals(List.of("worker-3", "worker-0", "worker-4"), exits.goneForGood(dir));

        Files.writeString(dir.resolve("worker-4.log"), "... welcomed to run scrl_cpu_000 ...");
        assertEquals(List.of("worker-3", "worker-0"), exits.goneForGood(dir));
        cut.destroyForcibly();
    }
}
