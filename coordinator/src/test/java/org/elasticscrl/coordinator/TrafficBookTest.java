package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.elasticscrl.coordinator.TrafficBook.Row;
import org.junit.jupiter.api.Test;

class TrafficBookTest {
    @Test
    void rowsHoldWhatEachStepAddedAndTheCoordinatorIsSampledOncePerStep() {
        TrafficBook t = new TrafficBook();
        assertEquals(List.of(new Row(0, "a", 100, 50), new Row(0, "coordinator", 7, 9)), t.applied("a", 0, 100, 50, 7, 9));
        assertEquals(List.of(new Row(0, "b", 80, 40)), t.applied("b", 0, 80, 40, 8, 10)); // step 0 sampled already
        assertEquals(List.of(new Row(1, "a", 30, 20), new Row(1, "coordinator", 5, 6)), t.applied("a", 1, 130, 70, 12, 15));
        // b skipped step 1 (resynchronised): its row for step 2 holds both steps' bytes, so rows add up to its totals
        assertEquals(List.of(new Row(2, "b", 70, 35), new Row(2, "coordinator", 0, 1)), t.applied("b", 2, 150, 75, 12, 16));
        // a late report of an older step does not sample the coordinator again
        assertEquals(List.of(new Row(1, "c", 10, 10)), t.applied("c", 1, 10, 10, 99, 99));
    }

    @Test
    void totalsThatGoBackAreANewJvmAndNothingCountedGivesNoRow() {
        TrafficBook t = new TrafficBook();
        t.applied("a", 0, 1000, 1000, 0, 0);
        assertEquals(List.of(new Row(1, "a", 40, 30)), t.applied("a", 1, 40, 30, 0, 0)); // restarted under the same id
        assertEquals(List.of(), t.applied("old", 1, 0, 0, 0, 0)); // a worker that counts nothing; the coordinator neither
    }
}
