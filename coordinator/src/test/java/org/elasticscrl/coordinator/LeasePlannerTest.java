package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.elasticscrl.coordinator.LeasePlanner.Candidate;
import org.junit.jupiter.api.Test;

class LeasePlannerTest {
    @Test
    void chunksFollowSpeed() {
        assertEquals(Map.of("fast", 6, "slow", 2),
                LeasePlanner.split(8, List.of(new Candidate("fast", 300, 100), new Candidate("slow", 100, 100))));
        assertEquals(Map.of("a", 3, "b", 3, "c", 2),
                LeasePlanner.split(8, List.of(new Candidate("a", 1, 99), new Candidate("b", 1, 99), new Candidate("c", 1, 99))));
    }

    @Test
    void chunksLeftOverGoToTheFreeWorkersInProportionNotAllToTheFirst() {
        // a step of 960 chunks, 29 workers of 32 chunks per lease: 32 left over; one worker is free, 28 busy
        List<Candidate> busy = java.util.stream.IntStream.range(1, 29).mapToObj(i -> new Candidate("w" + i, 10, 32)).toList();
        // 32 over 29 equal workers: 1 each and 3 more by largest remainder, the first of them w0's
        assertEquals(Map.of("w0", 2), LeasePlanner.splitNow(32, List.of(new Candidate("w0", 10, 32)), busy));
        assertEquals(Map.of("w0", 32), LeasePlanner.split(32, List.of(new Candidate("w0", 10, 32))), "before: all of it");
        // nobody else busy: the free workers share everything, as before
        assertEquals(Map.of("a", 4, "b", 4), LeasePlanner.splitNow(8, List.of(new Candidate("a", 1, 9),
                new Candidate("b", 1, 9)), List.of()));
        // shares that round to nothing for the free worker still give it one chunk: pending chunks always move
        assertEquals(Map.of("slow", 1), LeasePlanner.splitNow(2, List.of(new Candidate("slow", 1, 9)),
                List.of(new Candidate("fast1", 100, 9), new Candidate("fast2", 100, 9))));
        // a fast free worker takes its larger share
        assertEquals(Map.of("fast", 6), LeasePlanner.splitNow(8, List.of(new Candidate("fast", 300, 99)),
                List.of(new Candidate("slow", 100, 99))));
    }

    @Test
    void unknownSpeedCountsAsTheMeanOfKnownOnes() {
        assertEquals(Map.of("known", 4, "new", 4),
                LeasePlanner.split(8, List.of(new Candidate("known", 50, 99), new Candidate("new", 0, 99))));
    }

    @Test
    void memoryBoundsAreRespectedAndTheRestGoesElsewhere() {
        assertEquals(Map.of("big", 6, "small", 2),
                LeasePlanner.split(8, List.of(new Candidate("big", 10, 99), new Candidate("small", 30, 2))));
        // nobody can take more: the rest stays pending
        assertEquals(Map.of("a", 1, "b", 1), LeasePlanner.split(5, List.of(new Candidate("a", 1, 1), new Candidate("b", 5, 1))));
    }

    @Test
    void totalIsPreservedForAwkwardSpeeds() {
        for (int n = 1; n < 40; n++) {
            Map<String, Integer> s = LeasePlanner.split(n, List.of(new Candidate("a", 0.7, 99), new Candidate("b", 2.9, 99),
                    new Candidate("c", 13.1, 99)));
            assertEquals(n, s.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    /** Five workers, four chunks: the one measured slowest gets none — and, idle, would never be measured again. */
    @Test
    void anIdleWorkerDueForMeasuringGetsOneChunkFirst() {
        List<Candidate> idle = List.of(new Candidate("a", 10, 99), new Candidate("b", 10, 99), new Candidate("c", 10, 99),
                new Candidate("d", 10, 99), new Candidate("cold", 4, 99));
        assertEquals(Map.of("a", 1, "b", 1, "c", 1, "d", 1), LeasePlanner.split(4, idle));
        List<Candidate> due = List.of(new Candidate("a", 10, 99), new Candidate("b", 10, 99), new Candidate("c", 10, 99),
                new Candidate("d", 10, 99), new Candidate("cold", 4, 99, true));
        Map<String, Integer> s = LeasePlanner.split(4, due);
        assertEquals(1, s.get("cold"));
        assertEquals(4, s.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void workersAllDueForMeasuringShareEverything() {
        Map<String, Integer> s = LeasePlanner.split(8, List.of(new Candidate("a", 0, 99, true), new Candidate("b", 0, 99, true),
                new Candidate("c", 0, 99, true)));
        assertEquals(8, s.values().stream().mapToInt(Integer::intValue).sum());
        s.values().forEach(n -> assertTrue(n >= 2, s.toString()));
        // fewer chunks than workers due: one each, in order, while they last
        assertEquals(Map.of("a", 1), LeasePlanner.split(1, List.of(new Candidate("a", 5, 99, true),
                new Candidate("b", 5, 99, true))));
        // a memory bound of one chunk is respected
        assertEquals(Map.of("a", 1, "b", 3), LeasePlanner.split(4, List.of(new Candidate("a", 5, 1, true),
                new Candidate("b", 5, 99))));
    }

    @Test
    void measuringIsDueBeforeTheFirstLeaseAndAfterAnIdleStretch() {
        assertTrue(LeasePlanner.measureDue(-1, 0));
        assertFalse(LeasePlanner.measureDue(10, 10 + LeasePlanner.MEASURE_AFTER_STEPS));
        assertTrue(LeasePlanner.measureDue(10, 11 + LeasePlanner.MEASURE_AFTER_STEPS));
    }
}
