package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    @Test
    void theDefaultComparesByolAndScrl() {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs();
        assertEquals(List.of("byol", "scrl"), DemoCommand.resolve(demo.methods));
    }

    @Test
    void allExpandsToEveryObjectiveOnce() {
        assertEquals(List.of("scrl", "byol", "byol_lc", "triplet"), DemoCommand.resolve(List.of("scrl", " all")));
    }

    @Test
    void anUnknownMethodIsNamedWithTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoCommand.resolve(List.of("byol", "simclr")));
        assertTrue(e.getMessage().contains("'simclr'") && e.getMessage().contains("byol_lc"), e.getMessage());
    }

    @Test
    void theCommandRefusesItBeforeCreatingAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        int code = new CommandLine(new DemoCommand()).execute("--methods", "mocov3", "--top_dir", dir.toString());
        assertEquals(2, code);
        assertTrue(!java.nio.file.Files.exists(dir.resolve("runs")), "a run directory was created");
    }
}
