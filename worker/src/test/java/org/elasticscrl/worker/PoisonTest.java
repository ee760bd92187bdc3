package org.elasticscrl.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.elasticscrl.protocol.StepMetrics;
import org.junit.jupiter.api.Test;

/** Each injected fault spoils what it says, and only that; the honest arrays are never touched. */
class PoisonTest {
    private final float[][] parts = {{1, 2, 3, 4}, {5}};
    private final StepMetrics metrics = new StepMetrics(8, 4.0, 0, 0, 0, 0, 0, 0);

    @Test
    void eachPoisonSpoilsOneThing() {
        assertSame(parts, Poison.NONE.parts(parts));
        assertSame(metrics, Poison.NONE.metrics(metrics));
        float[][] nan = Poison.NAN.parts(parts);
        assertTrue(Float.isNaN(nan[0][2]));
        assertArrayEquals(new float[] {1, 2, 3, 4}, parts[0], "the replica's own arrays stay honest");
        assertEquals(5, Poison.LAYOUT.parts(parts)[0].length);
        assertEquals(17, Poison.SAMPLES.metrics(metrics).samples());
        assertSame(parts, Poison.SAMPLES.parts(parts));
        assertEquals(Poison.LAYOUT, Poison.of("Layout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Poison.of("inf")).getMessage()
                .contains("none, nan, samples, layout"));
    }
}
