package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticscrl.report.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's CSV files read back what was written, whatever a peer's text holds. */
class RunFilesTest {
    @TempDir
    Path dir;

    @Test
    void aDetailWithCommasQuotesAndLineBreaksReadsBackWholeButForTerminalControls() throws Exception {
        String detail = "the run's layout is [2, 1], it sent \"[3]\"\n\tat line 2\u001b[31m red";
        try (RunFiles files = new RunFiles(dir)) {
            files.event(7, 2, "worker,0", "invalid-contribution", detail);
            files.event(8, 2, "worker-1", "active", "");
            files.checksum(7, "worker,0", 0xABCL);
            files.commit(0, 0, 0, 1, 32, 0.3, 0.99, 1e-6, 1.25, 0.5, new java.util.TreeMap<>(Map.of(0, "worker,0", 1, "worker-1")));
        }
        List<Map<String, String>> events = Csv.records(dir.resolve("membership.csv"));
        assertEquals(2, events.size(), "a line break in a detail does not start a row");
        assertEquals("worker,0", events.get(0).get("worker"));
        assertEquals("invalid-contribution", events.get(0).get("event"));
        assertEquals("the run's layout is [2, 1], it sent \"[3]\"\n\tat line 2 [31m red", events.get(0).get("detail"),
                "only the escape character, a terminal control, is replaced");
        assertEquals("", events.get(1).get("detail"));
        assertEquals(Map.of("global_step", "7", "worker", "worker,0", "checksum", "abc"),
                Csv.records(dir.resolve("checksums.csv")).get(0));
        Map<String, String> commit = Csv.records(dir.resolve("commits.csv")).get(0);
        assertEquals("0:worker,0 1:worker-1", commit.get("chunks"));
        assertEquals("1.250000000", commit.get("ssl_loss"));
        assertEquals("32", commit.get("samples"));
    }
}
