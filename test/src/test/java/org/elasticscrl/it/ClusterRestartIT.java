package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-cluster restart: every node of a running cluster killed (SIGKILL) — coordinator and both
 * workers — then started again on the same run directory. The new coordinator finds no live run
 * state, resumes from the newest durable checkpoint (two copies, written every few steps), one
 * worker loads it and the other copies that worker; the run completes with every step committed
 * once, every sample once per epoch (I2), the schedules by step (I3), and every replica checksum
 * of a step equal — before the crash and after it (I1 across the restart); the steps computed
 * again have the loss they had the first time.
 */
class ClusterRestartIT {
    static final int EVERY = 4;

    static List<String> runArgs() {
        List<String> a = new ArrayList<>(WorkerFaultIT.runArgs());
        a.addAll(List.of("--cluster/checkpoint_every_steps=" + EVERY, "--cluster/checkpoint_copies=2",
                "--cluster/checkpoints_kept=2"));
        return a;
    }

    /** The newest durable checkpoint's step in the manifest (-1: none yet). */
    static long newestDurable(Path dir) throws Exception {
        Path f = dir.resolve("checkpoints.json");
        if (!Files.exists(f)) {
            return -1;
        }
        JsonNode m = new ObjectMapper().readTree(f.toFile());
        long newest = -1;
        for (JsonNode e : m.get("checkpoints")) {
            if (e.get("copies").size() >= m.get("copies_required").asInt()) {
                newest = Math.max(newest, e.get("step").asLong());
            }
        }
        return newest;
    }

    @Test
    void killingEveryNodeLosesNothingBeforeTheNewestDurableCheckpoint(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path dir = tmp.resolve("restart");
        long durable;
        long committedBefore;
        try (LocalCluster first = new LocalCluster(dir)) {
            first.startCoordinator(runArgs());
            Process w0 = first.startWorker("worker-0");
            Process w1 = first.startWorker("worker-1");
            long until = System.nanoTime() + 240_000_000_000L;
            while (newestDurable(dir) < 2 * EVERY - 1 || first.committed() < 2 * EVERY + 2) {
                assertTrue(System.nanoTime() < until, "no second durable checkpoint after 240 s; logs in " + dir);
                first.awaitCommitted(first.committed() + 1, 240);
            }
            // the whole cluster goes at once: workers first, so none finishes anything after the coordinator
            LocalCluster.signal(w0, "KILL");
            LocalCluster.signal(w1, "KILL");
            first.killCoordinators();
            durable = newestDurable(dir);
            committedBefore = first.committed();
        }
        assertTrue(committedBefore > durable + 1, "steps after the checkpoint are lost with the cluster: "
                + committedBefore + " committed, checkpoint after step " + durable);
        try (LocalCluster second = new LocalCluster(dir)) {
            second.startCoordinator(runArgs());
            second.startWorker("worker-0");
            second.startWorker("worker-1");
            assertEquals(0, second.awaitCoordinator(400), "the restarted coordinator's exit code");
        }
        RunRecords records = new RunRecords(dir);
        ScrlConfig cfg = WorkerFaultIT.config(dir);
        List<RunRecords.Commit> commits = records.commits();
        Invariants.everyStepCommittedOnce(commits, WorkerFaultIT.STEPS);
        Invariants.everySampleOnce(cfg, commits, WorkerFaultIT.SCENES);
        Invariants.schedulesByStep(cfg, commits, WorkerFaultIT.SCENES);

        String[] restart = records.events().stream().filter(e -> e[1].equals("restart")).findFirst()
                .orElseThrow(() -> new AssertionError("no restart: " + records.eventLines()));
        assertTrue(restart[3].contains("after step " + durable + " "), "resumed from the newest durable checkpoint "
                + durable + ": " + String.join(" ", restart));
        assertEquals(1, records.events().stream().filter(e -> e[1].equals("restored")).count(), records.eventLines());

        // the steps between the checkpoint and the crash were computed again, to the same loss
        Map<Long, Double> replayed = records.replayed();
        assertEquals(LongStream.range(durable + 1, committedBefore).boxed().toList(), List.copyOf(replayed.keySet()),
                "steps computed again after the restart");
        for (var c : commits) {
            Double again = replayed.get(c.step());
            if (again != null) {
                assertEquals(c.loss(), again, ElasticClusterIT.LOSS_TOLERANCE * Math.max(1, Math.abs(c.loss())),
                        "loss of step " + c.step() + " before the crash and after the restart");
            }
        }
        // I1 across the restart: a step's checksums agree whichever replica, before or after
        Map<Long, String> byStep = new HashMap<>();
        Map<Long, Integer> reports = new HashMap<>();
        for (String[] r : records.checksumRows()) {
            long step = Long.parseLong(r[0]);
            String previous = byStep.putIfAbsent(step, r[2]);
            assertTrue(previous == null || previous.equals(r[2]), "replicas differ at step " + step + ": " + previous
                    + " vs " + r[1] + "'s " + r[2]);
            reports.merge(step, 1, Integer::sum);
        }
        assertTrue(replayed.keySet().stream().anyMatch(s -> reports.getOrDefault(s, 0) >= 3),
                "a replayed step's checksums (after the restart) compared with those before the crash: " + reports);
        assertTrue(byStep.size() >= WorkerFaultIT.STEPS - 2, "checksums at " + byStep.size() + " steps");
        System.out.printf("whole-cluster restart: killed after %d commits, resumed from the durable checkpoint after"
                + " step %d, %d steps replayed to the same loss and checksums%n", committedBefore, durable,
                replayed.size());
    }
}
