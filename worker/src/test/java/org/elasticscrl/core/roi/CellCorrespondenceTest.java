package org.elasticscrl.core.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.plan.Rng;
import org.junit.jupiter.api.Test;

/**
 * LC-loss correspondences: a flip alone mirrors cells ((x, y) → (w − 1 − x, y), the paper's §4.6
 * check), a crop follows the box algebra of REFERENCE §2.5, and SCRL's sampled box pairs map onto
 * each other.
 */
class CellCorrespondenceTest {
    private static final int S = 224;
    private static final int SIDE = 7;
    private static final double EPS = 1e-9;

    @Test
    void aFlipAloneMirrorsEveryCell() {
        CropBox whole = new CropBox(0, 0, 375, 500, false);
        for (CropBox[] pair : List.of(new CropBox[] {whole, whole.withFlip(true)},
                new CropBox[] {whole.withFlip(true), whole})) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    CellCorrespondence.Point p = CellCorrespondence.ofCell(pair[0], pair[1], S, SIDE, x, y);
                    assertTrue(p.inside());
                    assertEquals(SIDE - 1 - x, p.x(), EPS, "x of cell " + x + "," + y);
                    assertEquals(y, p.y(), EPS, "y of cell " + x + "," + y);
                }
            }
        }
        CellCorrespondence.Point same = CellCorrespondence.ofCell(whole, whole, S, SIDE, 2, 5);
        assertEquals(2, same.x(), EPS);
        assertEquals(5, same.y(), EPS);
    }

    @Test
    void cropsFollowTheBoxAlgebraOfReferenceSection2_5() {
        RandomResizedCrop rrc = RandomResizedCrop.withScale(0.2, 1.0);
        int checked = 0;
        int outside = 0;
        for (int i = 0; i < 2000; i++) {
            SplittableRandom rng = Rng.of(11, i);
            CropBox c1 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            CropBox c2 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            // §2.2-2.3: the intersection and the per-axis coarse scale
            int intL = Math.max(c1.left(), c2.left());
            int intT = Math.max(c1.top(), c2.top());
            int intR = Math.min(c1.left() + c1.width(), c2.left() + c2.width());
            int intB = Math.min(c1.top() + c1.height(), c2.top() + c2.height());
            if (intL >= intR || intT >= intB) {
                continue;
            }
            double sw1 = (double) S / c1.width();
            double sh1 = (double) S / c1.height();
            double sw2 = (double) S / c2.width();
            double sh2 = (double) S / c2.height();
            double swm = Math.min(sw1, sw2);
            double shm = Math.min(sh1, sh2);
            // §2.5: a coarse point (bx, by) in each view, flip applied afterwards
            double bx = rng.nextDouble() * (intR - intL) * swm;
            double by = rng.nextDouble() * (intB - intT) * shm;
            double x1 = bx / swm * sw1 + (intL - c1.left()) * sw1;
            double y1 = by / shm * sh1 + (intT - c1.top()) * sh1;
            double x2 = bx / swm * sw2 + (intL - c2.left()) * sw2;
            double y2 = by / shm * sh2 + (intT - c2.top()) * sh2;
            x1 = c1.flipped() ? S - x1 : x1;
            x2 = c2.flipped() ? S - x2 : x2;
            double[] mapped = CellCorrespondence.viewToView(c1, c2, S, x1, y1);
            assertEquals(x2, mapped[0], 1e-9 * S, "x of pair " + i);
            assertEquals(y2, mapped[1], 1e-9 * S, "y of pair " + i);
            // a cell of view 1 lands where its centre's image lies, in view 2's feature coordinates
            int u = rng.nextInt(SIDE);
            int v = rng.nextInt(SIDE);
            double[] centre = CellCorrespondence.viewToView(c1, c2, S, (u + 0.5) * S / SIDE, (v + 0.5) * S / SIDE);
            CellCorrespondence.Point p = CellCorrespondence.ofCell(c1, c2, S, SIDE, u, v);
            assertEquals(centre[0] * SIDE / S - 0.5, p.x(), EPS);
            assertEquals(centre[1] * SIDE / S - 0.5, p.y(), EPS);
            boolean inside = centre[0] >= 0 && centre[0] < S && centre[1] >= 0 && centre[1] < S;
            assertEquals(inside, p.inside());
            outside += inside ? 0 : 1;
            checked++;
        }
        assertTrue(checked > 1900 && outside > 100, checked + " pairs, " + outside + " cells outside");
    }

    @Test
    void scrlBoxPairsMapOntoEachOther() {
        BoxSampler sampler = new BoxSampler(ConfigLoader.load("scrl_200ep", List.of()).network().scrl(), S);
        RandomResizedCrop rrc = RandomResizedCrop.withScale(0.2, 1.0);
        int boxes = 0;
        for (int i = 0; i < 300; i++) {
            SplittableRandom rng = Rng.of(13, i);
            CropBox c1 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            CropBox c2 = rrc.sample(375, 500, rng).withFlip(rng.nextBoolean());
            BoxPairs pairs = sampler.sample(c1, c2, rng);
            for (int k = 0; k < pairs.size(); k++) {
                double[] a = pairs.raw1()[k];
                double[] b = pairs.raw2()[k];
                double[] centre = CellCorrespondence.viewToView(c1, c2, S, (a[0] + a[2]) / 2, (a[1] + a[3]) / 2);
                assertEquals((b[0] + b[2]) / 2, centre[0], 1e-9 * S);
                assertEquals((b[1] + b[3]) / 2, centre[1], 1e-9 * S);
                boxes++;
            }
        }
        assertTrue(boxes > 2500, boxes + " boxes");
    }
}
