package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.TauSchedule;
import org.elasticscrl.plan.EpochPlan;

/** DESIGN's invariants checked on a run's records (commits.csv, checksums.csv). */
final class Invariants {
    private Invariants() {}

    /** No committed step lost or repeated: steps 0…total−1, each once, in order. */
    static void everyStepCommittedOnce(List<RunRecords.Commit> commits, long total) {
        assertEquals(total, commits.size(), "committed steps");
        for (int i = 0; i < commits.size(); i++) {
            assertEquals(i, commits.get(i).step(), "commit " + i + " in order, none lost or repeated");
        }
    }

    /** I2: every chunk (so every sample) of every epoch in exactly one committed step, as planned. */
    static void everySampleOnce(ScrlConfig cfg, List<RunRecords.Commit> commits, int datasetSize) {
        var t = cfg.train();
        for (int epoch = 1; epoch <= t.maxEpochs(); epoch++) {
            EpochPlan plan = EpochPlan.of(cfg.seed(), epoch, datasetSize, t.chunkSize(), t.chunksPerStep());
            Set<Integer> samples = new HashSet<>();
            for (RunRecords.Commit c : commits) {
                if (c.epoch() == epoch) {
                    assertEquals(plan.chunksOfStep(c.stepInEpoch()), new ArrayList<>(c.chunks().keySet()), "step " + c.step());
                    for (int chunk : c.chunks().keySet()) {
                        for (int s : plan.chunk(chunk)) {
                            assertTrue(samples.add(s), "sample " + s + " counted twice in epoch " + epoch);
                        }
                    }
                }
            }
            assertEquals(datasetSize, samples.size(), "every sample of epoch " + epoch);
        }
    }

    /** I3: LR, τ and the global batch are functions of the global step only. */
    static void schedulesByStep(ScrlConfig cfg, List<RunRecords.Commit> commits, int datasetSize) {
        long spe = EpochPlan.stepsPerEpoch(datasetSize, cfg.train().batchSizeTrain());
        LrSchedule lr = LrSchedule.pretraining(cfg.train(), spe);
        TauSchedule tau = TauSchedule.of(cfg.train(), spe);
        for (RunRecords.Commit c : commits) {
            assertEquals(lr.valueAt(c.step()), c.lr(), 1e-12, "lr at " + c.step());
            assertEquals(tau.valueAt(c.step()), c.tau(), 1e-12, "tau at " + c.step());
            assertEquals(cfg.train().batchSizeTrain(), c.samples(), "global batch at " + c.step());
        }
    }

    /** I1: at every commit all reporting replicas have the same checksum; returns steps with ≥ 2 replicas. */
    static int replicasAgree(Map<Long, Map<String, String>> sums, long total) {
        return replicasAgree(sums, total, 0);
    }

    /**
     * I1, where up to {@code unreported} commits may lack checksums (replicas report to the
     * coordinator that committed: one killed right after a commit takes those reports with it).
     */
    static int replicasAgree(Map<Long, Map<String, String>> sums, long total, int unreported) {
        int compared = 0;
        for (var e : sums.entrySet()) {
            assertEquals(1, e.getValue().values().stream().distinct().count(), "replicas differ after step " + e.getKey()
                    + ": " + e.getValue());
            compared += e.getValue().size() > 1 ? 1 : 0;
        }
        assertTrue(sums.size() >= total - unreported, "checksums at " + sums.size() + " of " + total + " commits");
        return compared;
    }
}
