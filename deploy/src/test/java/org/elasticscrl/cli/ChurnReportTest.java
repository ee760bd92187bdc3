package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChurnReportTest {
    @Test
    void aStepsSamplesAreSpreadOverTheTimeItTook() {
        List<Long> commits = List.of(10_000L, 20_000L, 20_000L);
        // the first step took 0-10 s, the second 10-20 s; the third committed at the same instant as the second
        assertEquals(50, ChurnReport.committedIn(commits, 0, 0, 5_000, 100), 1e-9);
        assertEquals(100, ChurnReport.committedIn(commits, 0, 5_000, 15_000, 100), 1e-9);
        assertEquals(150, ChurnReport.committedIn(commits, 0, 15_000, 20_000, 100), 1e-9);
        assertEquals(300, ChurnReport.committedIn(commits, 0, 0, 30_000, 100), 1e-9);
        assertEquals(0, ChurnReport.committedIn(commits, 0, 20_000, 30_000, 100), 1e-9);
    }

    @Test
    void theStepUnderWayAtTheStartBeganAtTheCommitBeforeIt() {
        List<Long> commits = List.of(-5_000L, 10_000L);
        assertEquals(100.0 / 3, ChurnReport.committedIn(commits, 0, 0, 5_000, 100), 1e-9);
        assertEquals(200.0 / 3, ChurnReport.committedIn(commits, 0, 0, 10_000, 100), 1e-9);
    }
}
