package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoodputTest {
    /** Two workers at 10 samples/s each, steps of 100 samples: a step every 5 s is all they could do. */
    @Test
    void steadyStepsAtTheWorkersRateAreAGoodputOfOne() {
        var lives = List.of(new Goodput.Life("a", 0, 0, 20_000), new Goodput.Life("b", 0, 0, 20_000));
        Goodput.Result g = Goodput.of(0, 20_000, lives, List.of(5_000L, 10_000L, 15_000L, 20_000L), List.of(), 10, 100);
        assertEquals(1.0, g.goodput(), 1e-12);
        assertEquals(4, g.steps());
        assertEquals(0, g.lost().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void lossesAreChargedToJoinsPreemptionsSteadyStepsAndTheUnfinishedStep() {
        // a and b from 0; c starts at 2 s and is active from 6 s; b is preempted at 12 s
        var lives = List.of(new Goodput.Life("a", 0, 0, 25_000), new Goodput.Life("b", 0, 0, 12_000),
                new Goodput.Life("c", 2_000, 6_000, 25_000));
        List<Long> commits = List.of(6_000L, 11_000L, 20_000L);
        Goodput.Result g = Goodput.of(0, 25_000, lives, commits, List.of(12_000L), 10, 100);
        // capacity: a 25 s + b 12 s + c 23 s = 60 s x 10/s
        assertEquals(600, g.capacity(), 1e-9);
        assertEquals(300, g.committed(), 1e-9);
        assertEquals(40, g.lost().get(Goodput.JOINS), 1e-9); // c's 4 s joining
        // step 1 (0-6 s): a 6 + b 6 + c 4 (all joining) = 160 possible, 100 done, 40 joining: 20 steady
        // step 2 (6-11 s): 15 s = 150 possible: 50 steady
        // step 3 (11-20 s): a 9 + b 1 + c 9 = 190 possible, preempted: 90
        assertEquals(70, g.lost().get(Goodput.STEADY), 1e-9);
        assertEquals(90, g.lost().get(Goodput.PREEMPTIONS), 1e-9);
        assertEquals(100, g.lost().get(Goodput.UNFINISHED), 1e-9); // 20-25 s: a and c, nothing committed
        assertEquals(0.5, g.goodput(), 1e-12);
    }

    @Test
    void commitsOutsideTheWindowDoNotCount() {
        var lives = List.of(new Goodput.Life("a", 0, 0, 10_000));
        Goodput.Result g = Goodput.of(0, 10_000, lives, List.of(0L, 10_000L, 12_000L), List.of(), 10, 100);
        assertEquals(1, g.steps());
        assertEquals(1.0, g.goodput(), 1e-12);
    }
}
