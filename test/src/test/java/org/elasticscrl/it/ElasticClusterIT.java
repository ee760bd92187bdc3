package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and two worker JVMs on loopback, each computing on 2 threads with the CPU presets'
 * deterministic kernels (as a real node does: oneDNN's reductions then split work between threads); a
 * third worker joins at step 2 and the first drains at step 54; the run reaches its last step (72).
 * Checks DESIGN's invariants I1–I4 on the coordinator's records, I4 against {@code scrl train} on 2 threads.
 */
class ElasticClusterIT {
    static final int SCENES = 384;
    static final int BATCH = 32;
    static final int CHUNK = 8;
    static final int EPOCHS = 6;
    static final int JOIN_AT = 2;
    static final int DRAIN_AT = 54;
    static final long STEPS = (long) EPOCHS * SCENES / BATCH;
    /** Compute threads of every worker and of the one-process run it is compared with. */
    static final int THREADS = 2;
    /**
     * I4's tolerance. With {@code cluster.canonical_sum} (the CPU presets) chunk gradients are added
     * in chunk order whoever computed them, so the run is bit-identical to {@code scrl train} on the
     * same thread count: the only difference left is metrics.csv's 6 printed decimals. (Summing in
     * arrival order instead differs by ~1e-7 relative per step, which this training's high LARS
     * learning rate amplifies to ~1e-2 in the loss within a dozen steps.)
     */
    static final double LOSS_TOLERANCE = 2e-6;

    static List<String> runArgs() {
        return List.of("--config", "scrl_cpu", "--network/width=8", "--network/proj_head/input_size=64",
                "--network/proj_head/hidden_size=128", "--network/proj_head/output_size=64", "--augment/input_size=32",
                "--network/scrl/num_patches_per_image=4", "--dataset/train_size=" + SCENES, "--dataset/eval_size=64",
                "--train/batch_size_train=" + BATCH, "--train/chunk_size=" + CHUNK, "--train/max_epochs=" + EPOCHS,
                "--train/warmup_epochs=1", "--train/online_eval=false", "--train/snapshot_interval=" + EPOCHS,
                "--train/num_workers=1", "--eval/enabled=false", "--cluster/checksum_interval=1");
    }

    static ScrlConfig config(Path saveDir) {
        List<String> args = new ArrayList<>(runArgs().subList(2, runArgs().size()));
        args.add("--save_dir=" + saveDir);
        return ConfigLoader.load("scrl_cpu", args);
    }

    /**
     * Summed by the coordinator ({@code star}) and by the workers ({@code sharded}: each sums a shard of every
     * contribution), the same run: I1–I4 hold, and the sharded one is bit for bit the one-process run too.
     */
    @ParameterizedTest(name = "cluster.aggregation={0}")
    @ValueSource(strings = {"star", "sharded"})
    void workersJoinAndDrainWhileReplicasStayIdenticalAndEverySampleCountsOnce(String aggregation,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path dir = tmp.resolve("cluster");
        try (LocalCluster cluster = new LocalCluster(dir).threads(THREADS)) {
            List<String> args = new ArrayList<>(runArgs());
            args.addAll(List.of("--leave-at", DRAIN_AT + ":worker-0", "--cluster/aggregation=" + aggregation));
            cluster.startCoordinator(args);
            cluster.startWorker("worker-0");
            cluster.startWorker("worker-1");
            cluster.awaitCommitted(JOIN_AT, 240);
            cluster.startWorker("worker-2");
            assertEquals(0, cluster.awaitCoordinator(300), "coordinator exit code");
        }
        RunRecords records = new RunRecords(dir);
        ScrlConfig cfg = config(dir);
        List<RunRecords.Commit> commits = records.commits();
        Invariants.everyStepCommittedOnce(commits, STEPS);
        Invariants.everySampleOnce(cfg, commits, SCENES); // I2
        Invariants.schedulesByStep(cfg, commits, SCENES); // I3

        // membership really changed: worker-2 computed chunks after joining, worker-0 none after draining
        assertTrue(commits.stream().anyMatch(c -> c.chunks().containsValue("worker-2")), "worker-2 contributed");
        assertTrue(commits.stream().filter(c -> c.step() > DRAIN_AT).noneMatch(c -> c.chunks().containsValue("worker-0")),
                "worker-0 drained at step " + DRAIN_AT);
        assertTrue(records.events().stream().anyMatch(e -> e[0].equals("worker-2") && e[1].equals("active")));
        // the switch was on: every worker computed with deterministic kernels on 2 threads
        List<String[]> registered = records.events().stream().filter(e -> e[1].equals("registered")).toList();
        assertEquals(3, registered.size(), records.eventLines());
        assertTrue(registered.stream().allMatch(e -> e[3].contains("threads=" + THREADS) && e[3].contains("deterministic")
                && !e[3].contains("not guaranteed")), records.eventLines());
        assertTrue(records.events().stream().anyMatch(e -> e[0].equals("worker-0") && e[1].equals("left")));
        // sharded: the workers owned the shards from step 1 on, and the joiner and the drained worker changed them
        List<String[]> shards = records.events().stream().filter(e -> e[1].equals("shards")).toList();
        assertEquals(aggregation.equals("sharded"), !shards.isEmpty(), records.eventLines());
        if (!shards.isEmpty()) {
            assertTrue(shards.get(0)[3].startsWith("from step 1:"), records.eventLines());
            assertTrue(shards.stream().anyMatch(e -> e[3].contains("worker-2")), "the joiner owns a shard");
        }

        // I1: every replica's state checksum agrees at every commit
        Map<Long, Map<String, String>> sums = records.checksums();
        int compared = Invariants.replicasAgree(sums, STEPS);
        long three = sums.values().stream().filter(v -> v.size() > 2).count();
        assertTrue(compared >= STEPS / 2 && three > 0, "several replicas compared at " + compared + " steps, three at "
                + three);
        assertTrue(sums.entrySet().stream().anyMatch(e -> e.getValue().containsKey("worker-2")), "the joiner reports too");

        // I4: the loss trajectory equals a single-worker run with the same seed
        Path single = tmp.resolve("single");
        try (LocalCluster alone = new LocalCluster(tmp.resolve("single-logs")).threads(THREADS)) {
            assertEquals(0, alone.runSingle(runArgs(), single, 300), "scrl train exit code");
        }
        Map<Long, Double> expected = RunRecords.losses(single.resolve("metrics.csv"));
        Map<Long, Double> actual = RunRecords.losses(dir.resolve("metrics.csv"));
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        StringBuilder trace = new StringBuilder();
        for (long s : expected.keySet()) {
            double d = Math.abs(expected.get(s) - actual.get(s));
            worst = Math.max(worst, d);
            trace.append(String.format(" %d:%.2e", s, d));
        }
        assertTrue(worst <= LOSS_TOLERANCE, "loss trajectory differs by " + worst + ";" + trace);
    }
}
