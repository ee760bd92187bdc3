package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.elasticscrl.core.data.Image;
import org.elasticscrl.core.roi.CropBox;
import org.junit.jupiter.api.Test;

/** Geometry of the eval transforms (their pixels are golden-tested in AugmentGoldenTest). */
class EvalTransformTest {
    @Test
    void centreCropRegionOfALandscapeImageInOriginalPixels() {
        // 500x375 -> shorter side 256: 341x256 (int(256 * 500 / 375)); crop at top 16, left
        // round(58.5) = 58 (ties to even); back in original pixels: 23, 85, 328 x 328
        assertEquals(new CropBox(23, 85, 328, 328, false), EvalTransform.centerCrop(224).region(500, 375));
    }

    @Test
    void centreCropRegionOfAPortraitImageTakesItsTopFromTheHeights() {
        // 375x500 -> 256x341: top 58, left 16; the reference's with_trans_info would swap them
        assertEquals(new CropBox(85, 23, 328, 328, false), EvalTransform.centerCrop(224).region(375, 500));
    }

    @Test
    void centreCropRegionStaysInsideTinyAndExtremeImages() {
        EvalTransform t = EvalTransform.centerCrop(32);
        for (int[] wh : new int[][] {{1, 1}, {3, 200}, {200, 3}, {31, 32}, {64, 64}, {1000, 17}}) {
            CropBox b = t.region(wh[0], wh[1]);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= wh[1]
                    && b.left() + b.width() <= wh[0], b + " outside " + wh[0] + "x" + wh[1]);
        }
    }

    @Test
    void resizeWholeShowsTheWholeImage() {
        assertEquals(new CropBox(0, 0, 375, 500, false), EvalTransform.resizeWhole(64).region(500, 375));
    }

    @Test
    void writesExactlyItsSliceOfTheDestination() {
        Image im = GoldenFixture.image(GoldenFixture.ROOT.get("eval").get(0));
        for (EvalTransform t : new EvalTransform[] {EvalTransform.centerCrop(16), EvalTransform.resizeWhole(16)}) {
            float[] dst = new float[3 * 16 * 16 + 20];
            Arrays.fill(dst, Float.NaN);
            t.render(im, dst, 10);
            for (int i = 0; i < dst.length; i++) {
                boolean inside = i >= 10 && i < 10 + 3 * 16 * 16;
                assertEquals(inside, !Float.isNaN(dst[i]), "index " + i);
            }
            assertThrows(IllegalArgumentException.class, () -> t.render(im, new float[3 * 16 * 16], 1));
        }
    }

    @Test
    void sizeIsTheInputSize() {
        assertEquals(224, EvalTransform.centerCrop(224).size());
        assertEquals(64, EvalTransform.resizeWhole(64).size());
        assertThrows(IllegalArgumentException.class, () -> EvalTransform.centerCrop(0));
    }
}
