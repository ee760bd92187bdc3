package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
