package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** ResizeBlur's sizes (Python float floor division) and argument checks; pixels are golden-tested. */
class AugmentResizeBlurTest {
    @Test
    void shrunkSidesMatchPythonFloorDivisionUpTo600() {
        JsonNode table = GoldenFixture.ROOT.get("floor_div");
        for (int level = 0; level < ResizeBlur.FACTORS.length; level++) {
            JsonNode expected = table.get(Double.toString(ResizeBlur.FACTORS[level]));
            int[] want = new int[expected.size()];
            int[] got = new int[expected.size()];
            for (int side = 1; side <= want.length; side++) {
                want[side - 1] = expected.get(side - 1).asInt();
                got[side - 1] = ResizeBlur.shrunk(side, level);
            }
            assertArrayEquals(want, got, "int(side // " + ResizeBlur.FACTORS[level] + ")");
        }
    }

    @Test
    void floorDivisionIsPythonsNotFloorOfTheQuotient() {
        assertEquals(9.0, ResizeBlur.pythonFloorDiv(1, 0.1)); // 1 / 0.1 rounds to 10.0
        assertEquals(10.0, Math.floor(1 / 0.1));
        assertEquals(203, ResizeBlur.shrunk(224, 0));
        assertEquals(186, ResizeBlur.shrunk(224, 1));
        assertEquals(149, ResizeBlur.shrunk(224, 2));
    }

    @Test
    void blurChangesAnImageButKeepsAFlatOne() {
        byte[] flat = new byte[3 * 24 * 24];
        java.util.Arrays.fill(flat, (byte) 77);
        byte[] blurred = flat.clone();
        ResizeBlur.apply(blurred, 24, 24, 2, Workspace.local());
        assertArrayEquals(flat, blurred, "normalised weights keep a constant image constant");
        byte[] noise = new byte[3 * 24 * 24];
        new java.util.SplittableRandom(1).nextBytes(noise);
        byte[] noisy = noise.clone();
        ResizeBlur.apply(noisy, 24, 24, 0, Workspace.local());
        assertNotEquals(java.util.Arrays.toString(noise), java.util.Arrays.toString(noisy));
    }

    @Test
    void rejectsUnknownLevels() {
        byte[] px = new byte[3 * 16 * 16];
        assertThrows(IllegalArgumentException.class, () -> ResizeBlur.apply(px, 16, 16, 3, Workspace.local()));
        assertThrows(IllegalArgumentException.class, () -> ResizeBlur.apply(px, 16, 16, -1, Workspace.local()));
    }
}
