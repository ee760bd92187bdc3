package org.elasticscrl.node.downing;

import static org.elasticscrl.node.downing.DecisionClock.Verdict.STABLE;
import static org.elasticscrl.node.downing.DecisionClock.Verdict.UNSTABLE_TOO_LONG;
import static org.elasticscrl.node.downing.DecisionClock.Verdict.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** When the downing decides: stable records, never right after this node's own pause, and records that keep changing. */
class DecisionClockTest {
    private static final long MS = 1_000_000;
    private static final long TICK = 200 * MS;

    /** stable-after 2 s, decide when unstable 15 s later, a pause is a gap over 1 s; looks every 200 ms from t = 0. */
    private final DecisionClock clock = new DecisionClock(2_000 * MS, 15_000 * MS, 1_000 * MS, 0);

    @Test
    void decidesOnceTheRecordsAreUnchangedForStableAfter() {
        assertEquals(WAIT, clock.look(TICK, "a->b", true));
        long t = TICK;
        while (t < TICK + 2_000 * MS - TICK) {
            t += TICK;
            assertEquals(WAIT, clock.look(t, "a->b", true), "at " + t / MS + " ms");
        }
        assertEquals(STABLE, clock.look(TICK + 2_000 * MS, "a->b", true));
        clock.decided(TICK + 2_000 * MS);
        assertEquals(WAIT, clock.look(TICK + 2_200 * MS, "a->b", true)); // the next decision waits again
    }

    @Test
    void aChangeOfTheRecordsRestartsTheWait() {
        clock.look(TICK, "a->b", true);
        long t = TICK;
        for (int i = 0; i < 9; i++) {
            clock.look(t += TICK, "a->b", true);
        }
        assertEquals(WAIT, clock.look(t += TICK, "a->b c->a", true)); // a node marked its peers: 2 s again
        for (int i = 0; i < 9; i++) {
            assertEquals(WAIT, clock.look(t += TICK, "a->b c->a", true));
        }
        assertEquals(STABLE, clock.look(t + TICK, "a->b c->a", true));
    }

    /** A frozen node's first look is not a stable picture, however long its records seem unchanged. */
    @Test
    void neverDecidesOnTheFirstLookAfterAPause() {
        clock.look(TICK, "a->b", true);
        assertEquals(WAIT, clock.look(TICK + 6_000 * MS, "a->b", true));
        assertEquals(6_000 * MS, clock.pausedFor());
        long t = TICK + 6_000 * MS;
        for (int i = 0; i < 9; i++) { // 2 s from the wake-up
            assertEquals(WAIT, clock.look(t += TICK, "a->b", true));
            assertEquals(0, clock.pausedFor());
        }
        assertEquals(STABLE, clock.look(t + TICK, "a->b", true));
    }

    @Test
    void recordsThatKeepChangingAreDecidedAfterTheUnstableLimit() {
        long t = 0;
        int i = 0;
        DecisionClock.Verdict v;
        do {
            t += TICK;
            v = clock.look(t, "flap" + (i++ % 2), true); // a flapping link: every look differs
        } while (v == WAIT && t < 60_000 * MS);
        assertEquals(UNSTABLE_TOO_LONG, v);
        assertEquals(17_200 * MS, t); // first change at 200 ms, then stable-after + 15 s
    }

    @Test
    void noRecordsNoDecisionAndTheUnstableClockStartsAgain() {
        clock.look(TICK, "x", true);
        assertEquals(WAIT, clock.look(10_000 * MS, "", false));
        assertEquals(WAIT, clock.look(10_200 * MS, "y", true));
        long t = 10_200 * MS;
        for (int i = 0; i < 20; i++) { // changing again: the 17 s start from 10.2 s, not from 0.2 s
            assertEquals(WAIT, clock.look(t += TICK, "y" + i, true));
        }
    }
}
