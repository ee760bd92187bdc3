package org.elasticscrl.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochPlanTest {
    @Test
    void everySampleIsInExactlyOneChunkOfExactlyOneStep() {
        EpochPlan plan = EpochPlan.of(3, 1, 1000, 32, 3);
        assertEquals(32, plan.chunks()); // 31 full chunks + 8
        assertEquals(11, plan.steps());
        assertEquals(EpochPlan.stepsPerEpoch(1000, 96), plan.steps());
        int[] seen = new int[1000];
        int chunks = 0;
        for (int s = 0; s < plan.steps(); s++) {
            for (int c : plan.chunksOfStep(s)) {
                chunks++;
                for (int i : plan.chunk(c)) {
                    seen[i]++;
                }
            }
        }
        assertEquals(plan.chunks(), chunks);
        assertEquals(8, plan.chunk(31).length);
        assertEquals(2, plan.chunksOfStep(10).size());
        assertFalse(Arrays.stream(seen).anyMatch(n -> n != 1));
    }

    @Test
    void planIsAPureFunctionOfSeedAndEpoch() {
        assertArrayEquals(EpochPlan.of(3, 2, 500, 16, 2).chunk(5), EpochPlan.of(3, 2, 500, 16, 2).chunk(5));
        assertFalse(Arrays.equals(EpochPlan.of(3, 2, 500, 16, 2).chunk(5), EpochPlan.of(3, 3, 500, 16, 2).chunk(5)));
        assertFalse(Arrays.equals(EpochPlan.of(3, 2, 500, 16, 2).chunk(5), EpochPlan.of(4, 2, 500, 16, 2).chunk(5)));
    }
}
