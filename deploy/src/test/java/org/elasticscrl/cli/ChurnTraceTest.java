package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChurnTraceTest {
    private static ChurnTrace of(String... lines) {
        return ChurnTrace.parse("t.csv", List.of(lines));
    }

    @Test
    void theInitialPoolIsTheEventsAtTheFirstTimeAndTheRestAreChanges() {
        ChurnTrace t = of("480000,add,node1", "480000,add,node2", "540000,add,node3", "600000,remove,node1");
        assertEquals(List.of("node1", "node2"), t.initial().stream().map(ChurnTrace.Event::node).toList());
        assertEquals(2, t.changes().size());
        assertEquals(120_000, t.spanMillis());
        assertEquals(3, t.peakAlive());
        assertEquals(3, t.adds());
    }

    @Test
    void compressionDividesTimesFromTheFirstEvent() {
        ChurnTrace t = of("480000,add,node1", "540000,add,node2", "600000,remove,node1").compressed(10);
        assertEquals(List.of(0L, 6_000L, 12_000L), t.events().stream().map(ChurnTrace.Event::millis).toList());
        assertThrows(IllegalArgumentException.class, () -> t.compressed(0.5));
    }

    @Test
    void firstEventsCutsTheTrace() {
        ChurnTrace t = of("0,add,a", "1,add,b", "2,remove,a").firstEvents(2);
        assertEquals(2, t.events().size());
        assertEquals(2, t.peakAlive());
    }

    @Test
    void aWindowStartsFromTheNodesAliveThenInTheOrderTheyJoined() {
        ChurnTrace all = of("0,add,a", "0,add,b", "10,add,c", "20,remove,a", "30,add,d", "40,remove,c");
        ChurnTrace w = all.from(20);
        assertEquals(List.of("b", "c"), w.initial().stream().map(ChurnTrace.Event::node).toList());
        assertEquals(List.of(20L, 20L, 30L, 40L), w.events().stream().map(ChurnTrace.Event::millis).toList());
        assertEquals(List.of("d", "c"), w.changes().stream().map(ChurnTrace.Event::node).toList());
        assertEquals(3, w.peakAlive());
        assertEquals(List.of(0L, 0L, 5L, 10L), w.compressed(2).events().stream().map(ChurnTrace.Event::millis).toList());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> all.from(50)).getMessage()
                .contains("no event after it"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,add,a", "5,remove,a", "9,add,b").from(6))
                .getMessage().contains("no node of t.csv is alive then"));
    }

    @Test
    void whatAReplayCannotRunIsRefusedWithItsLine() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,add,a", "5,remove,b")).getMessage()
                .contains("line 2 ('5,remove,b'): b is not alive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,add,a", "5,add,a")).getMessage()
                .contains("a is already alive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("9,add,a", "5,add,b")).getMessage()
                .contains("the time goes back"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,join,a")).getMessage()
                .contains("'join' is neither add nor remove"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,add,a", "1x,add,b")).getMessage()
                .contains("not a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("0,add")).getMessage()
                .contains("not milliseconds,add|remove,node"));
    }

    @Test
    void aHeaderLineIsSkipped() {
        assertEquals(1, of("milliseconds,event,node", "0,add,a").events().size());
    }

    @Test
    void theBundledTracesReadAsPublished() throws Exception {
        Path dir = Path.of("..", "traces");
        ChurnTrace p3 = ChurnTrace.read(dir.resolve("p3-trace.csv"));
        assertEquals(344, p3.events().size());
        assertEquals(32, p3.peakAlive());
        assertEquals(18, p3.initial().size());
        ChurnTrace g4dn = ChurnTrace.read(dir.resolve("g4dn-trace.csv"));
        assertEquals(24, g4dn.peakAlive());
        assertEquals(30, ChurnTrace.read(dir.resolve("1h.csv")).initial().size());
        assertThrows(IllegalArgumentException.class, () -> ChurnTrace.read(dir.resolve("missing.csv")));
    }
}
