package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.elasticscrl.report.Csv;

/**
 * The cluster driven by simulated workers (`scrl worker --simulate`), what the scaling and churn benchmarks run: the
 * real coordinator and worker actors, a replica that only stands in for the learning — and every guarantee still
 * checked. Three simulated workers with a 100,003-float pseudo-gradient, on the sharded path over emulated 1 Gb/s
 * links, two of them sharing a JVM (each its own node and transport), one joining early on (46 steps of about 0.3 s still to go leave its JVM time to start and copy a peer's state): every step committed once, every sample once (I2), LR and τ by step (I3), every replica
 * identical at every commit (I1), and the shards owned by the workers.
 */
class SimulatedClusterIT {
    static final int SCENES = 384;
    static final int BATCH = 32;
    static final int EPOCHS = 4;
    static final long STEPS = (long) EPOCHS * SCENES / BATCH;
    static final int PARAMETERS = 100_003;
    /** From this step on every worker owns a shard (the joiner starts after step 2 and is active within ~15 s). */
    static final long STEADY = 30;

    static List<String> runArgs() {
        return List.of("--config", "scrl_cpu", "--dataset/train_size=" + SCENES, "--dataset/eval_size=64",
                "--train/batch_size_train=" + BATCH, "--train/chunk_size=8", "--train/max_epochs=" + EPOCHS,
                "--train/warmup_epochs=1", "--train/online_eval=false", "--train/snapshot_interval=" + EPOCHS,
                "--eval/enabled=false", "--cluster/checksum_interval=1", "--cluster/aggregation=sharded",
                "--cluster/wire_dtype=bf16", "--cluster/canonical_sum=false");
    }

    @Test
    void simulatedWorkersRunTheRealClusterWithEveryInvariantKept(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path dir = tmp.resolve("simulated");
        String[] simulated = {"--simulate", PARAMETERS + ":0.1", "--emulate-link", "1gbit:0.1ms"};
        try (LocalCluster cluster = new LocalCluster(dir)) {
            List<String> coordinator = new ArrayList<>(runArgs());
            coordinator.addAll(List.of("--emulate-link", "1gbit:0.1ms"));
            cluster.startCoordinator(coordinator);
            // two simulated workers in one JVM (how 30+ fit on a small machine): nodes of their own, worker-0-0 and -1
            cluster.startWorker("worker-0", "--simulate", PARAMETERS + ":0.1", "--emulate-link", "1gbit:0.1ms",
                    "--simulated-workers", "2");
            cluster.awaitCommitted(2, 240);
            cluster.startWorker("worker-2", simulated); // joins: copies a simulated peer's state
            assertEquals(0, cluster.awaitCoordinator(300), "coordinator exit code");
        }
        RunRecords records = new RunRecords(dir);
        List<String> argsOnly = new ArrayList<>(runArgs().subList(2, runArgs().size()));
        argsOnly.add("--save_dir=" + dir);
        ScrlConfig cfg = ConfigLoader.load("scrl_cpu", argsOnly);
        var commits = records.commits();
        Invariants.everyStepCommittedOnce(commits, STEPS);
        Invariants.everySampleOnce(cfg, commits, SCENES);
        Invariants.schedulesByStep(cfg, commits, SCENES);
        int compared = Invariants.replicasAgree(records.checksums(), STEPS);
        assertTrue(compared >= STEPS - 8, "replicas compared at " + compared + " steps");
        assertTrue(records.checksums().values().stream().anyMatch(m -> m.size() == 3), "the joiner agrees with the others");
        assertTrue(records.events().stream().anyMatch(e -> e[1].equals("shards") && e[3].contains("worker-2")),
                "the joiner owns a shard: " + records.eventLines());
        String log = Files.readString(dir.resolve("worker-0.log"));
        assertTrue(log.contains("emulated link 1.00 Gb/s"), "the worker's transport ran over the emulated link");
        trafficIsTheShardedSchemes(dir.resolve("traffic.csv"));
    }

    /**
     * traffic.csv (what each node's transport moved per step): the coordinator moves no tensor byte once it knows the
     * contributions' layout (step 0 it sums itself) — it only decides — and at every step that all three workers
     * apply, each moves per step the bandwidth-optimal 2·P·(N−1)/N = 4/3·P bytes each way, P bf16 values: its slices
     * to the 2 other owners and its mean to the 2 other replicas (one of them holds the copy, fetched before the
     * commit and then read in place: the copy costs no byte), the others' slices of its shard and their 2 means in —
     * plus requests and headers, well under 1%.
     */
    private static void trafficIsTheShardedSchemes(Path csv) throws Exception {
        List<String[]> rows = Csv.dataRows(csv, 4);
        List<String> coordinator = rows.stream().filter(r -> r[1].equals("coordinator") && Long.parseLong(r[0]) > 0
                && !(r[2].equals("0") && r[3].equals("0"))).map(r -> String.join(",", r)).toList();
        assertEquals(List.of(), coordinator, "the coordinator moved tensor bytes after step 0");
        double optimal = 4.0 / 3 * 2 * PARAMETERS;
        java.util.Map<Long, List<String[]>> byStep = new java.util.TreeMap<>();
        rows.stream().filter(r -> r[1].startsWith("worker-"))
                .forEach(r -> byStep.computeIfAbsent(Long.parseLong(r[0]), k -> new ArrayList<>()).add(r));
        // a row holds what moved between two of its worker's applied commits: another replica's fetch of its mean
        // lands before or after that worker's own apply, so single rows can hold one mean more or less; medians do not
        java.util.Map<String, List<Double>> sent = new java.util.TreeMap<>();
        java.util.Map<String, List<Double>> received = new java.util.TreeMap<>();
        int checked = 0;
        for (var e : byStep.entrySet()) {
            if (e.getKey() < STEADY || e.getValue().size() != 3) {
                continue;
            }
            checked++;
            for (String[] r : e.getValue()) {
                sent.computeIfAbsent(r[1], k -> new ArrayList<>()).add(Double.parseDouble(r[2]));
                received.computeIfAbsent(r[1], k -> new ArrayList<>()).add(Double.parseDouble(r[3]));
            }
        }
        for (String w : sent.keySet()) {
            assertEquals(optimal, median(sent.get(w)), 0.01 * optimal, w + " sent per step (median): " + sent.get(w));
            assertEquals(optimal, median(received.get(w)), 0.01 * optimal, w + " received per step (median): "
                    + received.get(w));
        }
        assertTrue(checked >= (STEPS - STEADY) / 2, "steps all three workers applied: " + checked);
        assertEquals(java.util.Set.of("worker-0-0", "worker-0-1", "worker-2"), sent.keySet(),
                "the workers, the two sharing a JVM each with its own transport");
    }

    private static double median(List<Double> v) {
        return v.stream().sorted().toList().get(v.size() / 2);
    }
}
