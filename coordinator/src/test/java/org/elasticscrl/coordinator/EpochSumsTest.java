package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An epoch's mean loss is exact across a takeover that goes back to a step the replicas hold. */
class EpochSumsTest {
    /** What the coordinator replicates after each commit: the run state with the sums. */
    private static RunState recorded(long step, EpochSums s) {
        return new RunState("run", step, 1, 96, 0, s.lossSum(), s.samples(), false, 10, 2, s.earlier());
    }

    @Test
    void aTakeoverThatGoesBackOneCommitCountsTheRecomputedStepOnce() {
        EpochSums reference = new EpochSums(32);
        EpochSums active = new EpochSums(32);
        RunState stored = null;
        for (int step = 0; step < 5; step++) {
            reference.add(1.5 * (step + 1), 32);
            active.add(1.5 * (step + 1), 32);
            stored = recorded(step, active); // step 4's state is stored, its commit never announced
        }
        // the standby takes over from step 4's state; the replicas hold step 3: step 4 is computed again
        EpochSums standby = new EpochSums(32);
        standby.restore(BoundedRunStateRoundTrip.of(stored));
        assertTrue(standby.rollBack(1));
        standby.add(7.25, 32); // recomputed from other contributions: another loss
        EpochSums expected = new EpochSums(32);
        for (int step = 0; step < 4; step++) {
            expected.add(1.5 * (step + 1), 32);
        }
        expected.add(7.25, 32);
        assertEquals(expected.samples(), standby.samples());
        assertEquals(expected.lossSum(), standby.lossSum());
        assertEquals(5 * 32, standby.samples()); // without the sums, 6 steps' samples: the step counted twice
        assertEquals(expected.close(), standby.close());
    }

    @Test
    void goingBackSeveralCommitsAndAcrossAnEpochEndRestoresTheSumsRecordedThen() {
        EpochSums s = new EpochSums(32);
        s.add(1, 10);
        s.add(2, 10); // last step of an epoch: its sums are recorded before the epoch closes
        assertEquals(0.15, s.close(), 1e-12);
        s.add(4, 10);
        s.add(8, 10);
        EpochSums standby = new EpochSums(32);
        standby.restore(recorded(3, s));
        assertTrue(standby.rollBack(2)); // back to step 1, the epoch's last: its full sums, closed again after
        assertEquals(3, standby.lossSum());
        assertEquals(20, standby.samples());
        assertEquals(List.of(new RunState.Sums(1, 10)), standby.earlier());
    }

    @Test
    void sumsOlderThanTheWindowOrFromAnOlderReleaseAreNotInventedAndNothingChanges() {
        EpochSums s = new EpochSums(2);
        for (int i = 0; i < 5; i++) {
            s.add(1, 10);
        }
        assertEquals(2, s.earlier().size());
        assertFalse(s.rollBack(3));
        assertEquals(50, s.samples());
        EpochSums old = new EpochSums(2);
        old.restore(new RunState("run", 4, 1, 96, 0, 5, 50, false)); // recorded without earlier sums
        assertFalse(old.rollBack(1));
        assertEquals(5, old.lossSum());
        assertTrue(old.rollBack(0));
    }
}
