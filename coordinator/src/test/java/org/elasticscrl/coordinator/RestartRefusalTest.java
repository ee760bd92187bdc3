package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticscrl.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator never starts a run of its own in a cluster whose replicated state is another, unfinished run. */
class RestartRefusalTest {
    @TempDir
    Path dir;

    @Test
    void anotherUnfinishedRunInTheClusterIsRefusedAFinishedOneIsNot() {
        try (RunFiles files = new RunFiles(dir)) {
            var setup = new Coordinator.Setup(ConfigLoader.load("scrl_cpu", List.of()), "yaml", "scrl_cpu_001", files,
                    new MemoryTensors(), Map.of(), f -> {});
            String why = Restart.refusal(setup, new RunState("scrl_cpu_000", 26, 3, 96, 0, 0, 0, false));
            assertTrue(why != null && why.contains("the cluster runs scrl_cpu_000 (committed up to step 26)")
                    && why.contains("refusing to start another run"), why);
            assertNull(Restart.refusal(setup, new RunState("scrl_cpu_000", 26, 3, 96, 0, 0, 0, true)));
            assertNull(Restart.refusal(setup, new RunState("scrl_cpu_001", 26, 3, 96, 0, 0, 0, false)));
            assertNull(Restart.refusal(setup, null));
        }
    }
}
