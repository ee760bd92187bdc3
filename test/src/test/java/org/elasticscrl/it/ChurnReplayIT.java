package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shortened churn replay, as {@code scrl bench --what churn} runs it: the first 30 events of the published g4dn spot
 * trace (24 workers joining — 19 of them within the same minute — and 6 preempted) ten times faster, simulated workers
 * packed into host JVMs, a real coordinator and standby. The audit must be clean — every committed step once, every
 * sample of them once (I2), replicas agreeing (I1) — every preemption must be noticed, and the goodput must stay above
 * a floor: {@link #GOODPUT_FLOOR}, where this machine measured 0.21 (2 cores for 26 nodes; see the README's churn
 * section) and a replay that stalls measures ~0.01.
 *
 * <p>Tagged {@code long}, so not yet in CI: on 2 cores the replay is not yet reliable. Of three runs of it here, two
 * with G1 host JVMs committed 12 steps (one of them this test, passing; the other the benchmark, goodput 0.21), and
 * the one with ZGC hosts — the benchmark's setting now — committed only 3 steps (nodes downed by late heartbeats
 * while 19 joined within a minute), failing it. Run it with
 * {@code mvn verify -pl test -Dscrl.it.excluded=none -Dit.test=ChurnReplayIT}.
 */
@org.junit.jupiter.api.Tag("long")
class ChurnReplayIT {
    static final double GOODPUT_FLOOR = 0.10;

    @Test
    void aShortenedSpotTraceReplaysWithACleanAuditAndTheGoodputAboveItsFloor(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path trace = Path.of("..", "traces", "g4dn-trace.csv").toAbsolutePath().normalize();
        try (LocalCluster tools = new LocalCluster(tmp)) {
            tools.output(List.of("bench", "--what", "churn", "--trace", trace.toString(), "--events", "30", "--speedup",
                    "10", "--chunk-seconds", "0.05", "--top_dir", tmp.toString()), "", "churn.log", 900);
        }
        Path run = tmp.resolve("runs").resolve("churn_g4dn-trace_000");
        JsonNode r = new ObjectMapper().readTree(run.resolve("churn.json").toFile());
        assertEquals(30, r.path("events").asInt());
        assertEquals(24, r.path("adds").asInt());
        assertTrue(r.path("peak_alive").asInt() >= 10, r.toString());
        assertFalse(r.path("stalled").asBoolean(), r.toString());
        JsonNode audit = r.path("audit");
        assertTrue(audit.path("committed").asLong() >= 5, "steps committed: " + audit);
        for (String zero : List.of("lostSteps", "repeatedSteps", "missedSamples", "duplicatedSamples",
                "checksumMismatches")) {
            assertEquals(0, audit.path(zero).asLong(), zero + ": " + audit);
        }
        assertTrue(audit.path("commitsChecked").asLong() >= audit.path("committed").asLong() - 2, audit.toString());
        // the 6 preempted workers were each noticed (more "gone" are workers downed by a late heartbeat, which rejoin)
        assertTrue(r.path("coordinator_events").path("gone").asInt() >= 6, r.toString());
        assertTrue(r.path("goodput").asDouble() >= GOODPUT_FLOOR, "goodput " + r.path("goodput") + ": " + r);
        assertTrue(Files.size(run.resolve("churn.png")) > 1000, "the plot is written");
    }
}
