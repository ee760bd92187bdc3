package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChecksumBookTest {
    @Test
    void namesTheReplicasOffAStrictMajorityOnce() {
        ChecksumBook book = new ChecksumBook(4);
        assertNull(book.record(7, "a", 1, 3));
        var tie = book.record(7, "c", 2, 3);
        assertEquals(Map.of("a", 1L, "c", 2L), tie.all());
        assertEquals(List.of(), tie.offMajority(), "1 against 1 of 3: nobody can tell which is right");
        var decided = book.record(7, "b", 1, 3);
        assertEquals(List.of("c"), decided.offMajority());
        assertNull(book.record(7, "d", 1, 4), "c was named and forgotten: the rest agree");
    }

    @Test
    void twoReplicasThatDisagreeHaveNoMajority() {
        ChecksumBook book = new ChecksumBook(4);
        book.record(3, "a", 1, 2);
        assertEquals(List.of(), book.record(3, "b", 2, 2).offMajority());
    }

    @Test
    void aMajorityCountsTheRunsReplicasNotOnlyThoseThatReported() {
        ChecksumBook book = new ChecksumBook(4);
        book.record(3, "a", 1, 5);
        book.record(3, "b", 1, 5);
        assertEquals(List.of(), book.record(3, "c", 2, 5).offMajority(), "2 of 5 is no majority");
        assertEquals(List.of("c"), book.record(3, "d", 1, 5).offMajority());
    }

    @Test
    void theReferenceIsTheChecksumAStrictMajorityOfTheReportersHold() {
        ChecksumBook book = new ChecksumBook(4);
        assertEquals(OptionalLong.empty(), book.reference(3), "nobody reported step 3");
        book.record(3, "a", 1, 3);
        assertEquals(OptionalLong.of(1), book.reference(3));
        book.record(3, "b", 2, 3);
        assertEquals(OptionalLong.empty(), book.reference(3), "1 against 1: no reference");
        book.record(3, "c", 2, 3); // a is named off the majority and forgotten
        assertEquals(OptionalLong.of(2), book.reference(3));
        book.record(9, "a", 5, 3);
        assertEquals(OptionalLong.empty(), book.reference(3), "more than 4 steps back: forgotten");
    }
}
