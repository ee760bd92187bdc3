package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The table-driven HSV conversions against the literal port of PIL's, over every input. */
class AugmentHueTest {
    @Test
    void rgbToHsvMatchesPilForAllColours() {
        for (int c = 0; c < 1 << 24; c++) {
            int r = c & 0xff;
            int g = (c >>> 8) & 0xff;
            int b = c >>> 16;
            int expected = PilHsvLiteral.toHsv(r, g, b);
            int actual = Hue.toHsv(r, g, b);
            if (expected != actual) {
                assertEquals(Integer.toHexString(expected), Integer.toHexString(actual), "rgb2hsv of " + r + "," + g + "," + b);
            }
        }
    }

    @Test
    void hsvToRgbMatchesPilForAllTriples() {
        for (int c = 0; c < 1 << 24; c++) {
            int h = c & 0xff;
            int s = (c >>> 8) & 0xff;
            int v = c >>> 16;
            int expected = PilHsvLiteral.toRgb(h, s, v);
            int actual = Hue.toRgb(h, s, v);
            if (expected != actual) {
                assertEquals(Integer.toHexString(expected), Integer.toHexString(actual), "hsv2rgb of " + h + "," + s + "," + v);
            }
        }
    }

    @Test
    void rotateIsTheRoundTripWithTheShiftAddedModulo256() {
        byte[] px = new byte[3 * 4096];
        new java.util.SplittableRandom(5).nextBytes(px);
        byte[] rotated = px.clone();
        Hue.rotate(rotated, 4096, 250);
        for (int i = 0; i < px.length; i += 3) {
            int hsv = PilHsvLiteral.toHsv(px[i] & 0xff, px[i + 1] & 0xff, px[i + 2] & 0xff);
            int rgb = PilHsvLiteral.toRgb(((hsv & 0xff) + 250) & 0xff, (hsv >>> 8) & 0xff, hsv >>> 16);
            int actual = (rotated[i] & 0xff) | (rotated[i + 1] & 0xff) << 8 | (rotated[i + 2] & 0xff) << 16;
            assertEquals(rgb, actual, "pixel " + i / 3);
        }
    }

    @Test
    void shiftTruncatesTowardsZeroThenWrapsLikeNumpyUint8() {
        assertEquals(25, Hue.shift(0.1));      // 25.5 -> 25
        assertEquals(231, Hue.shift(-0.1));    // -25.5 -> -25 -> 231
        assertEquals(0, Hue.shift(-0.0039));   // -0.99 -> 0
        assertEquals(255, Hue.shift(-1.0 / 255 - 1e-12)); // just past -1 -> -1 -> 255
        assertEquals(127, Hue.shift(0.5));
        assertEquals(129, Hue.shift(-0.5));
        assertThrows(IllegalArgumentException.class, () -> Hue.shift(0.51));
    }
}
