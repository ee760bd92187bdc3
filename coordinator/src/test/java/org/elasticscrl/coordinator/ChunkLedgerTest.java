package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkLedgerTest {
    @Test
    void everyChunkIsAnsweredExactlyOnceUnderReleaseAndReLease() {
        ChunkLedger l = new ChunkLedger(7, List.of(10, 11, 12, 13));
        l.lease(1, List.of(10, 11));
        l.lease(2, List.of(12, 13));
        assertTrue(l.pending().isEmpty());
        // worker of lease 2 misses its deadline: its chunks go to lease 3
        assertEquals(List.of(12, 13), l.release(2));
        l.lease(3, List.of(12, 13));
        assertNull(l.accept(1, List.of(10, 11)));
        l.complete(1);
        // the late contribution of lease 2 is refused: nothing counted twice
        assertNotNull(l.accept(2, List.of(12, 13)));
        assertFalse(l.isComplete());
        assertNull(l.accept(3, List.of(12, 13)));
        l.complete(3);
        assertTrue(l.isComplete());
        assertEquals(Map.of(10, 1L, 11, 1L, 12, 3L, 13, 3L), l.answers());
        // a duplicate of an accepted contribution is refused too
        assertNotNull(l.accept(3, List.of(12, 13)));
    }

    @Test
    void aFailedTransferPutsItsChunksBackToPending() {
        ChunkLedger l = new ChunkLedger(0, List.of(1, 2));
        l.lease(5, List.of(1, 2));
        assertNull(l.accept(5, List.of(1, 2)));
        assertEquals(List.of(1, 2), l.release(5));
        assertEquals(List.of(1, 2), l.pending());
        assertThrows(IllegalStateException.class, () -> l.complete(5));
    }

    @Test
    void aSpoiltSumReopensDoneChunksUntilSummedAgain() {
        ChunkLedger l = new ChunkLedger(0, List.of(1, 2, 3));
        l.lease(5, List.of(1, 2));
        l.lease(6, List.of(3));
        assertNull(l.accept(5, List.of(1, 2)));
        l.complete(5);
        assertEquals(List.of(1, 2), l.reopen(5));
        assertEquals(List.of(1, 2), l.inState(ChunkLedger.State.RECEIVING));
        assertEquals(List.of(), l.reopen(6), "a lease not yet in has nothing to reopen");
        assertNull(l.accept(6, List.of(3)));
        l.complete(6);
        assertFalse(l.isComplete(), "its chunks wait for the contribution summed again");
        l.complete(5);
        assertTrue(l.isComplete());
    }

    @Test
    void contributionMustNameItsLeasesChunks() {
        ChunkLedger l = new ChunkLedger(0, List.of(1, 2, 3));
        l.lease(4, List.of(1, 2));
        assertTrue(l.accept(4, List.of(1)).contains("holds chunks [1, 2]"));
        assertThrows(IllegalStateException.class, () -> l.lease(9, List.of(2)));
        assertThrows(IllegalArgumentException.class, () -> l.lease(9, List.of(99)));
        assertThrows(IllegalStateException.class, l::answers);
    }
}
