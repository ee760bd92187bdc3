package org.elasticscrl.cli;

import java.util.SplittableRandom;

/**
 * When a chaos campaign's faults are due, in committed steps. The schedule is laid out over the
 * run's steps, not over wall-clock seconds: a campaign timed in seconds injected fewer faults on a
 * faster machine (the run ended first) — the same seed must give the same campaign on any CPU.
 * Faults fall into the first {@link #SPAN} of the run so that the last one's decision, and a
 * joiner's start-up, happen while the run still trains.
 */
final class ChaosSchedule {
    /** The part of the run faults are spread over. */
    static final double SPAN = 0.6;
    /** The first commits are left alone: the cluster is still forming. */
    static final long FIRST = 2;

    private ChaosSchedule() {}

    /**
     * The commit count at which each fault is due, non-decreasing: fault {@code i} falls in the
     * {@code i}-th of {@code faults} equal slices of [{@link #FIRST}, SPAN × totalSteps], at a
     * seeded point inside it.
     *
     * @throws IllegalArgumentException when the run has fewer steps than faults to spread
     */
    static long[] marks(int faults, long totalSteps, SplittableRandom rng) {
        if (faults < 0) {
            throw new IllegalArgumentException("--faults must be ≥ 0, not " + faults);
        }
        long end = (long) Math.floor(totalSteps * SPAN);
        if (faults > 0 && end - FIRST < faults) {
            throw new IllegalArgumentException("a run of " + totalSteps + " steps is too short for " + faults
                    + " faults (they are spread over its first " + (int) (SPAN * 100) + "%, at least a step apart):"
                    + " give it more steps (--train/max_epochs) or fewer --faults");
        }
        long[] marks = new long[faults];
        double slice = (double) (end - FIRST) / Math.max(1, faults);
        for (int i = 0; i < faults; i++) {
            marks[i] = FIRST + (long) Math.floor(slice * (i + rng.nextDouble()));
        }
        return marks;
    }
}
