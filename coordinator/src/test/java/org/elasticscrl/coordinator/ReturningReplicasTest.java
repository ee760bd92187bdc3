package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.elasticscrl.coordinator.ReturningReplicas.Ask;
import org.elasticscrl.coordinator.ReturningReplicas.Copy;
import org.elasticscrl.coordinator.ReturningReplicas.Reuse;
import org.junit.jupiter.api.Test;

class ReturningReplicasTest {
    private final ReturningReplicas returning = new ReturningReplicas();

    @Test
    void aReplicaIsReusedOnlyWithTheRunsChecksumForItsStep() {
        assertInstanceOf(Reuse.class, returning.judge("b", 4, 0xAA, OptionalLong.of(0xAA), 6, List.of("a")));
        var copy = assertInstanceOf(Copy.class, returning.judge("b", 4, 0xBB, OptionalLong.of(0xAA), 6, List.of("a")));
        assertTrue(copy.why().contains("bb differs from the run's aa after step 4"), copy.why());
        assertInstanceOf(Copy.class, returning.judge("b", 4, 0, OptionalLong.of(0xAA), 6, List.of("a")),
                "no checksum brought: nothing shows it is the run's");
    }

    @Test
    void withoutTheRunsChecksumItIsCopiedUnlessAPeerCanBeAskedOrNoneIsLeft() {
        var behind = assertInstanceOf(Copy.class, returning.judge("b", 4, 0xAA, OptionalLong.empty(), 6, List.of("a")));
        assertTrue(behind.why().contains("checksum_interval"), behind.why());
        assertEquals(new Ask("a"), returning.judge("b", 6, 0xAA, OptionalLong.empty(), 6, List.of("a", "c")));
        assertInstanceOf(Reuse.class, returning.judge("b", 4, 0xAA, OptionalLong.empty(), 6, List.of()),
                "the only replica left is the run's state: nothing to compare it with");
    }

    @Test
    void thePeersAnswerDecidesForEveryWorkerThatWaitedForIt() {
        returning.judge("b", 6, 0xAA, OptionalLong.empty(), 6, List.of("a"));
        returning.judge("c", 6, 0xCC, OptionalLong.empty(), 6, List.of("a"));
        returning.judge("d", 6, 0xAA, OptionalLong.empty(), 6, List.of("e"));
        var verdicts = returning.answered("a", 6, 0xAA);
        assertEquals(2, verdicts.size(), "d waits for e, not a");
        assertInstanceOf(Reuse.class, verdicts.get("b"));
        assertTrue(assertInstanceOf(Copy.class, verdicts.get("c")).why().contains("cc differs from a's aa"));
        assertEquals(Map.of(), returning.answered("a", 6, 0xAA), "each is decided once");
        assertInstanceOf(Copy.class, returning.answered("e", 7, 0xAA).get("d"), "an answer for another step proves nothing");
    }

    @Test
    void whenTheAskedPeerLeavesItsWaitersAreJudgedAgainAndALeaverWaitsNoMore() {
        returning.judge("b", 6, 0xAA, OptionalLong.empty(), 6, List.of("a"));
        returning.judge("c", 6, 0xCC, OptionalLong.empty(), 6, List.of("d"));
        var again = returning.left("a");
        assertEquals(List.of("b"), List.copyOf(again.keySet()));
        assertEquals(6, again.get("b")[0]);
        assertEquals(0xAA, again.get("b")[1]);
        returning.left("c");
        assertEquals(Map.of(), returning.answered("d", 6, 0xCC), "c left: nobody waits for d");
    }
}
