package org.elasticscrl.coordinator;

import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.TauSchedule;
import org.elasticscrl.plan.EpochPlan;

/**
 * What the whole run looks like once the data size is known: steps per epoch, total steps, and
 * the LR and τ schedules — pure functions of the global step, never of the membership (I3).
 */
record RunPlan(ScrlConfig cfg, int datasetSize, long stepsPerEpoch, LrSchedule lr, TauSchedule tau) {
    static RunPlan of(ScrlConfig cfg, int datasetSize) {
        long spe = EpochPlan.stepsPerEpoch(datasetSize, cfg.train().batchSizeTrain());
        return new RunPlan(cfg, datasetSize, spe, LrSchedule.pretraining(cfg.train(), spe), TauSchedule.of(cfg.train(), spe));
    }

    long totalSteps() {
        return stepsPerEpoch * cfg.train().maxEpochs();
    }

    /** 1-based epoch of a global step. */
    int epochOf(long step) {
        return (int) (step / stepsPerEpoch) + 1;
    }

    /** The step's chunks and ledger. */
    /** Step {@code global}'s chunks; {@code layout} the run's from an earlier commit (null: none yet). */
    StepRun step(long global, int[] layout) {
        int epoch = epochOf(global);
        int inEpoch = (int) (global % stepsPerEpoch);
        var t = cfg.train();
        EpochPlan plan = EpochPlan.of(cfg.seed(), epoch, datasetSize, t.chunkSize(), t.chunksPerStep());
        return new StepRun(global, epoch, inEpoch, plan.chunksOfStep(inEpoch), chunk -> plan.chunk(chunk).length,
                cfg.cluster().canonicalSum(), layout);
    }
}
