package org.elasticscrl.coordinator;

import java.util.List;

/**
 * The coordinator's small state, replicated to the standby coordinators before a commit is
 * announced, so that a coordinator taking over continues the run without losing a committed step:
 * which run, the last committed step (the plan and schedules follow from it), the membership
 * epoch, the data size the plan was made for, the takeover generation (lease ids never repeat),
 * the running epoch's loss sums, whether the run is over, and the layout its contributions must have
 * ({@code gradientValues}, {@code statisticValues}; 0 before the first commit) — so a coordinator taking
 * over refuses a contribution of another layout from the start, rather than let the first to arrive fix
 * it. {@code earlier} holds the epoch sums as they were recorded with the commits before the last one (newest
 * first, at most {@code cluster.replay_steps}): a coordinator taking over that finds no replica holding the last
 * commit (stored, never announced) goes on from an earlier one with that one's exact sums, so no step's loss
 * counts twice in its epoch. (An epoch's tasks are not recorded: a coordinator taking over right after an
 * epoch's last commit runs them again.)
 */
public record RunState(String runId, long committedStep, int membershipEpoch, int datasetSize, int generation,
        double epochLossSum, long epochSamples, boolean finished, int gradientValues, int statisticValues,
        List<Sums> earlier) {
    /** An epoch's loss sum and samples as recorded with one commit. */
    public record Sums(double lossSum, long samples) {}

    public RunState {
        earlier = earlier == null ? List.of() : List.copyOf(earlier); // null: recorded by an older release
    }

    /** A state without earlier sums (a checkpoint's, or recorded by an older release). */
    public RunState(String runId, long committedStep, int membershipEpoch, int datasetSize, int generation,
            double epochLossSum, long epochSamples, boolean finished, int gradientValues, int statisticValues) {
        this(runId, committedStep, membershipEpoch, datasetSize, generation, epochLossSum, epochSamples, finished,
                gradientValues, statisticValues, List.of());
    }

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
