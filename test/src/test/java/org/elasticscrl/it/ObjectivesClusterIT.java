package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LC-loss and triplet objectives in the elastic cluster: two worker JVMs train one epoch and
 * every replica's state checksum agrees at every commit (I1) — the local projection branch and
 * the copied target included — with every step committed once. No special case in the coordinator.
 */
class ObjectivesClusterIT {
    static final long STEPS = ElasticClusterIT.SCENES / ElasticClusterIT.BATCH;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "byol_lc | --objective=byol_lc --augment/view1_geometry=resize --network/lc/output_size=32",
        "triplet | --objective=triplet --network/target_init=copy --network/triplet/rank_to=7"})
    void twoWorkersKeepIdenticalReplicas(String objective, String extra,
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path dir = tmp.resolve(objective);
        List<String> args = new ArrayList<>(ElasticClusterIT.runArgs());
        args.removeIf(a -> a.startsWith("--train/max_epochs") || a.startsWith("--train/snapshot_interval")
                || a.startsWith("--train/warmup_epochs"));
        args.addAll(List.of("--train/max_epochs=1", "--train/warmup_epochs=0", "--train/snapshot_interval=1",
                "--cluster/min_workers=2"));
        args.addAll(List.of(extra.trim().split(" ")));
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.startCoordinator(args);
            cluster.startWorker("worker-0");
            cluster.startWorker("worker-1");
            assertEquals(0, cluster.awaitCoordinator(300), "coordinator exit code");
        }
        RunRecords records = new RunRecords(dir);
        Invariants.everyStepCommittedOnce(records.commits(), STEPS);
        int compared = Invariants.replicasAgree(records.checksums(), STEPS);
        assertEquals(STEPS, compared, "both replicas compared at every commit");
        assertTrue(records.commits().stream().anyMatch(c -> c.chunks().containsValue("worker-0"))
                && records.commits().stream().anyMatch(c -> c.chunks().containsValue("worker-1")), "both computed");
    }
}
