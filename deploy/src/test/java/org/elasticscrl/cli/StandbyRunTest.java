package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a standby makes of the active coordinator's answer: the active run, or a refusal naming the difference. */
class StandbyRunTest {
    @TempDir
    Path tmp;

    /** The answer of an active coordinator running scrl_cpu with {@code overrides} in {@code tmp/active_run}. */
    private ObjectNode active(String... overrides) {
        List<String> args = new java.util.ArrayList<>(List.of(overrides));
        args.add("--save_dir=" + tmp.resolve("active_run"));
        ScrlConfig cfg = ConfigLoader.load("scrl_cpu", args);
        return new ObjectMapper().createObjectNode().put("run", "active_run")
                .put("save_dir", tmp.resolve("active_run").toString()).put("config", ConfigLoader.toYaml(cfg));
    }

    @Test
    void withoutConfigurationOrDirectoryTheStandbyAdoptsTheActiveRun() throws Exception {
        var run = StandbyRun.adopt(active("--train/optim/lr=0.3"), null, List.of());
        assertEquals(tmp.resolve("active_run"), run.dir().path());
        assertEquals(0.3, run.cfg().train().optim().lr());
        var same = StandbyRun.adopt(active("--train/optim/lr=0.3"), "scrl_cpu", List.of("--train/optim/lr=0.3"));
        assertEquals(tmp.resolve("active_run"), same.dir().path(), "the same configuration, no --save_dir: adopted");
    }

    @Test
    void aContradictingConfigurationOrDirectoryIsRefusedNamingTheDifference() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> StandbyRun.adopt(active("--train/optim/lr=0.3"), "scrl_cpu", List.of("--cluster/min_workers=2")));
        assertTrue(e.getMessage().contains("train.optim.lr: ") && e.getMessage().contains(" vs 0.3") && e.getMessage().contains(
                "cluster.min_workers: 2 vs 1"), e.getMessage());
        var dir = assertThrows(IllegalArgumentException.class, () -> StandbyRun.adopt(active(), "scrl_cpu",
                List.of("--save_dir=" + tmp.resolve("another"))));
        assertTrue(dir.getMessage().contains("is not the active run's directory"), dir.getMessage());
    }
}
