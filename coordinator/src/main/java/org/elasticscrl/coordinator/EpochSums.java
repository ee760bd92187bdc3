package org.elasticscrl.coordinator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The running epoch's loss sum and samples, and the sums as they were recorded with each of the last commits —
 * so that a coordinator taking over, finding that no replica got the last commit (its state was stored, its
 * announcement reached no worker), goes back to the step the replicas hold with that step's exact sums: the
 * step computed again counts once in its epoch's mean loss. Pure bookkeeping, replicated in {@link RunState}.
 */
final class EpochSums {
    private final int keep;
    private double lossSum;
    private long samples;
    /** The sums as recorded with the last commit (null before one), and with the ones before it, newest first. */
    private RunState.Sums recorded;
    private final Deque<RunState.Sums> earlier = new ArrayDeque<>();

    /** {@code keep}: how many commits back a roll-back can go exactly ({@code cluster.replay_steps}). */
    EpochSums(int keep) {
        this.keep = keep;
    }

    /** A step committed: its loss counts in the running epoch. */
    void add(double stepLossSum, long stepSamples) {
        if (recorded != null) {
            earlier.addFirst(recorded);
            while (earlier.size() > keep) {
                earlier.removeLast();
            }
        }
        lossSum += stepLossSum;
        samples += stepSamples;
        recorded = new RunState.Sums(lossSum, samples);
    }

    /** The epoch's mean loss (NaN without samples); the next epoch starts from zero. The recorded sums stay. */
    double close() {
        double loss = samples == 0 ? Double.NaN : lossSum / samples;
        lossSum = 0;
        samples = 0;
        return loss;
    }

    /** Continues from a recorded state's sums (a takeover, a restart from a checkpoint). */
    void restore(RunState s) {
        lossSum = s.epochLossSum();
        samples = s.epochSamples();
        recorded = new RunState.Sums(lossSum, samples);
        earlier.clear();
        earlier.addAll(s.earlier());
    }

    /**
     * Back to the sums recorded {@code commits} commits ago; false (nothing changed) when they are no longer
     * known — more than {@code keep} back, or recorded by a release that kept none.
     */
    boolean rollBack(long commits) {
        if (commits <= 0) {
            return true;
        }
        if (commits > earlier.size()) {
            return false;
        }
        for (long i = 1; i < commits; i++) {
            earlier.removeFirst();
        }
        recorded = earlier.removeFirst();
        lossSum = recorded.lossSum();
        samples = recorded.samples();
        return true;
    }

    double lossSum() {
        return lossSum;
    }

    long samples() {
        return samples;
    }

    /** The sums recorded with the commits before the last one, newest first. */
    List<RunState.Sums> earlier() {
        return List.copyOf(earlier);
    }
}
