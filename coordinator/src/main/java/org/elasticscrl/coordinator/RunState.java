package org.elasticscrl.coordinator;

/**
 * The coordinator's small state, replicated to the standby coordinators before a commit is
 * announced, so that a coordinator taking over continues the run without losing a committed step:
 * which run, the last committed step (the plan and schedules follow from it), the membership
 * epoch, the data size the plan was made for, the takeover generation (lease ids never repeat),
 * the running epoch's loss sums, and whether the run is over. (An epoch's tasks are not recorded:
 * a coordinator taking over right after an epoch's last commit runs them again.)
 */
public record RunState(String runId, long committedStep, int membershipEpoch, int datasetSize, int generation,
        double epochLossSum, long epochSamples, boolean finished) {}
