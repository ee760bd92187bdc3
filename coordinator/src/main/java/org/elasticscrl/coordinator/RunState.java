package org.elasticscrl.coordinator;

/**
 * The coordinator's small state, replicated to the standby coordinators before a commit is
 * announced, so that a coordinator taking over continues the run without losing a committed step:
 * which run, the last committed step (the plan and schedules follow from it), the membership
 * epoch, the data size the plan was made for, the takeover generation (lease ids never repeat),
 * the running epoch's loss sums, whether the run is over, and the layout its contributions must have
 * ({@code gradientValues}, {@code statisticValues}; 0 before the first commit) — so a coordinator taking
 * over refuses a contribution of another layout from the start, rather than let the first to arrive fix
 * it. (An epoch's tasks are not recorded: a coordinator taking over right after an epoch's last commit
 * runs them again.)
 */
public record RunState(String runId, long committedStep, int membershipEpoch, int datasetSize, int generation,
        double epochLossSum, long epochSamples, boolean finished, int gradientValues, int statisticValues) {
    /** A state without a known layout (before the first commit, or recorded by an older release). */
    public RunState(String runId, long committedStep, int membershipEpoch, int datasetSize, int generation,
            double epochLossSum, long epochSamples, boolean finished) {
        this(runId, committedStep, membershipEpoch, datasetSize, generation, epochLossSum, epochSamples, finished, 0, 0);
    }

    /** The layout {gradient, statistics} its contributions have, or null when not known yet. */
    int[] layout() {
        return gradientValues > 0 ? new int[] {gradientValues, statisticValues} : null;
    }
}
