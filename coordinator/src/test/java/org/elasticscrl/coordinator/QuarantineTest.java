package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineTest {
    @Test
    void failuresInARowQuarantineAndAValidContributionClearsThem() {
        Quarantine q = new Quarantine(3);
        assertFalse(q.invalid("a", 0, "NaN"));
        assertTrue(q.preferNot("a", 0), "excluded for the step it failed");
        assertFalse(q.preferNot("a", 1), "not for the next");
        assertFalse(q.invalid("a", 1, "NaN"));
        q.valid("a"); // a valid contribution: the two failures no longer count
        assertFalse(q.invalid("a", 2, "NaN"));
        assertFalse(q.invalid("a", 3, "NaN"));
        assertTrue(q.invalid("a", 4, "too many samples"), "the third in a row");
        assertFalse(q.invalid("a", 5, "NaN"), "quarantined once, not again");
        assertTrue(q.quarantined("a"));
        assertTrue(q.preferNot("a", 99));
        q.valid("a"); // only an operator ends a quarantine
        assertTrue(q.quarantined("a"));
        assertTrue(q.reason("a").contains("last: NaN"), q.reason("a"));
        assertEquals(List.of("a"), q.quarantinedIds());
        assertTrue(q.readmit("b").contains("quarantined: a"));
        assertNull(q.readmit("a"));
        assertFalse(q.quarantined("a"));
        assertFalse(q.preferNot("a", 5));
        assertEquals("", q.reason("a"));
    }

    @Test
    void describeListsEveryWorkerWithFailures() {
        Quarantine q = new Quarantine(2);
        q.invalid("a", 0, "NaN");
        q.invalid("a", 1, "NaN");
        q.invalid("b", 0, "layout");
        q.valid("b");
        assertEquals(List.of(Map.of("id", "a", "invalid_in_a_row", 2, "last", "NaN", "quarantined", true)), q.describe());
    }
}
