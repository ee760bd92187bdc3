package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {
    @Test
    void faultsAreSpreadOverTheFirstPartOfTheRunInOrder() {
        for (long seed = 0; seed < 50; seed++) {
            long[] marks = ChaosSchedule.marks(6, 288, new SplittableRandom(seed));
            assertEquals(6, marks.length);
            long slice = (long) ((288 * ChaosSchedule.SPAN - ChaosSchedule.FIRST) / 6);
            for (int i = 0; i < marks.length; i++) {
                assertTrue(marks[i] >= ChaosSchedule.FIRST + i * slice && marks[i] <= ChaosSchedule.FIRST + (i + 1) * slice + 1,
                        "fault " + i + " at " + marks[i] + " outside its slice");
                assertTrue(i == 0 || marks[i] >= marks[i - 1], "out of order");
            }
            assertTrue(marks[5] < 288 * ChaosSchedule.SPAN, "the last fault leaves the run time to decide it");
        }
    }

    @Test
    void aRunTooShortForItsFaultsIsRefusedBeforeAnythingStarts() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChaosSchedule.marks(20, 24, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("--train/max_epochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChaosSchedule.marks(-1, 100, new SplittableRandom(1)));
        assertEquals(0, ChaosSchedule.marks(0, 3, new SplittableRandom(1)).length);
    }
}
