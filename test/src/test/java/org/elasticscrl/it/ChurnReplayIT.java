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
 * A shortened churn replay, as {@code scrl bench --what churn} runs it: the published g4dn spot trace from its 232nd
 * minute (8 nodes alive then) for 34 events — 15 more joining, 11 preempted, 8 to 14 workers alive — 25 times faster,
 * simulated workers packed into host JVMs, a real coordinator and standby. The audit must be clean — every committed
 * step once, every sample of them once (I2), replicas agreeing (I1) — every preemption but the last (the replay may end
 * before it is noticed) must be noticed, and the goodput must stay above {@link #GOODPUT_FLOOR}: this machine measured
 * 0.91 (2 cores for 16 nodes; the README's churn section), a replay that stalls ~0.01.
 *
 * <p>A window at the trace's own pool size, not its first events: those are 24 workers joining within minutes, which
 * on 2 cores delayed heartbeats past the failure detector in one run of three (healthy workers downed, 3 steps).
 */
class ChurnReplayIT {
    static final double GOODPUT_FLOOR = 0.50;

    @Test
    void aShortenedSpotTraceReplaysWithACleanAuditAndTheGoodputAboveItsFloor(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path trace = Path.of("..", "traces", "g4dn-trace.csv").toAbsolutePath().normalize();
        try (LocalCluster tools = new LocalCluster(tmp)) {
            tools.output(List.of("bench", "--what", "churn", "--trace", trace.toString(), "--from", "232", "--events", "34",
                    "--speedup", "25", "--top_dir", tmp.toString()), "", "churn.log", 900);
        }
        Path run = tmp.resolve("runs").resolve("churn_g4dn-trace_000");
        JsonNode r = new ObjectMapper().readTree(run.resolve("churn.json").toFile());
        System.out.println("churn replay: " + r);
        assertEquals(34, r.path("events").asInt());
        assertEquals(23, r.path("adds").asInt());
        assertTrue(r.path("peak_alive").asInt() >= 10, r.toString());
        assertFalse(r.path("stalled").asBoolean(), r.toString());
        JsonNode audit = r.path("audit");
        assertTrue(audit.path("committed").asLong() >= 15, "steps committed: " + audit);
        for (String zero : List.of("lostSteps", "repeatedSteps", "missedSamples", "duplicatedSamples",
                "checksumMismatches")) {
            assertEquals(0, audit.path(zero).asLong(), zero + ": " + audit);
        }
        assertTrue(audit.path("commitsChecked").asLong() >= audit.path("committed").asLong() - 2, audit.toString());
        // 11 preempted: each noticed but perhaps the last (more "gone" are workers downed by a late heartbeat, who rejoin)
        assertTrue(r.path("coordinator_events").path("gone").asInt() >= 10, r.toString());
        assertTrue(r.path("goodput").asDouble() >= GOODPUT_FLOOR, "goodput " + r.path("goodput") + ": " + r);
        assertTrue(Files.size(run.resolve("churn.png")) > 1000, "the plot is written");
    }
}
