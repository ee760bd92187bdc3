package org.elasticscrl.core.data;

import static org.elasticscrl.core.data.IdxReaderTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.elasticscrl.config.SceneConfig;
import org.junit.jupiter.api.Test;

/** fashion-scenes with the CPU preset's scene settings: 64 px, 2-3 items of 20-36 px, IoU 0.2. */
class FashionScenesTest {
    private static final SceneConfig CFG = new SceneConfig(64, 2, 3, 20, 36, 0.2);
    private static final int N = 2_000;

    private static FashionScenes train(long seed) {
        return new FashionScenes(FashionData.train(), CFG, seed, "train", N);
    }

    @Test
    void sceneIsAPureFunctionOfSeedSplitAndIndex() {
        FashionScenes a = train(3);
        FashionScenes b = train(3);
        for (int i = 0; i < 50; i++) {
            Sample x = a.get(i);
            Sample y = b.get(i);
            assertArrayEquals(x.image().rgb(), y.image().rgb(), "scene " + i);
            assertEquals(x.boxes(), y.boxes());
            assertEquals(x.label(), y.label());
            assertFalse(Arrays.equals(x.image().rgb(), a.get(i + 1).image().rgb()));
            assertFalse(Arrays.equals(x.image().rgb(), train(4).get(i).image().rgb()));
        }
        // reading in another order gives the same scene
        assertArrayEquals(a.get(7).image().rgb(), b.get(7).image().rgb());
    }

    @Test
    void boxesAreInsideDisjointEnoughAndLabelled() {
        FashionScenes scenes = train(0);
        int[] counts = new int[CFG.maxItems() + 1];
        Set<Integer> labels = new HashSet<>();
        for (int i = 0; i < N; i++) {
            Sample s = scenes.get(i);
            List<LabeledBox> boxes = s.boxes();
            assertTrue(boxes.size() >= CFG.minItems() && boxes.size() <= CFG.maxItems(),
                    "scene " + i + " has " + boxes.size() + " items");
            counts[boxes.size()]++;
            LabeledBox largest = boxes.get(0);
            for (int k = 0; k < boxes.size(); k++) {
                LabeledBox b = boxes.get(k);
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= 64 && b.y2() <= 64,
                        "scene " + i + " box " + b + " leaves the canvas");
                assertTrue(b.area() >= 1, "empty box " + b);
                assertTrue(b.label() >= 0 && b.label() <= 9);
                labels.add(b.label());
                if (b.area() > largest.area()) {
                    largest = b;
                }
                for (int j = 0; j < k; j++) {
                    double iou = iou(b, boxes.get(j));
                    assertTrue(iou <= CFG.maxOverlap(), "scene " + i + " IoU " + iou);
                    double cover = intersection(b, boxes.get(j))
                            / Math.min(b.area(), boxes.get(j).area());
                    assertTrue(cover <= 0.5, "scene " + i + ": a box is " + cover + " covered");
                }
            }
            assertEquals(largest.label(), s.label(), "scene " + i + ": label of the largest item");
        }
        assertEquals(10, labels.size(), "all classes appear");
        assertTrue(counts[2] > N / 5 && counts[3] > N / 5,
                "item counts " + Arrays.toString(counts));
    }

    @Test
    void eachBoxIsTheTightFootprintOfARealItem() {
        FashionMnist items = FashionData.train();
        FashionScenes scenes = train(1);
        for (int i = 0; i < 300; i++) {
            FashionScenes.Layout layout = scenes.layout(i);
            byte[] full = scenes.render(layout, -1).rgb();
            for (int k = 0; k < layout.items().size(); k++) {
                FashionScenes.Placed p = layout.items().get(k);
                ItemSprite s = p.sprite();
                assertEquals(items.label(s.item()), s.label());
                assertTrue(s.side() >= CFG.minItemSize() && s.side() <= CFG.maxItemSize());
                // leaving the item out changes pixels only inside its box, and some of them
                byte[] without = scenes.render(layout, k).rgb();
                int changed = 0;
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        boolean differs = false;
                        for (int c = 0; c < 3; c++) {
                            differs |= full[(y * 64 + x) * 3 + c] != without[(y * 64 + x) * 3 + c];
                        }
                        boolean inside = x >= p.x1() && x < p.x2() && y >= p.y1() && y < p.y2();
                        assertTrue(inside || !differs, "scene " + i + " item " + k
                                + " changed (" + x + ", " + y + ") outside its box " + p.box());
                        changed += differs ? 1 : 0;
                    }
                }
                assertTrue(changed > p.area() / 5, "scene " + i + " item " + k + " shows in only "
                        + changed + " of " + p.area() + " box pixels");
                assertTight(s);
            }
        }
    }

    @Test
    void aSolidItemFillsExactlyItsPlacedSquare() {
        byte[] pixels = new byte[28 * 28];
        Arrays.fill(pixels, (byte) 255);
        FashionMnist solid = new FashionMnist("train", 28, 28, pixels, new byte[] {4});
        FashionScenes scenes = new FashionScenes(solid, new SceneConfig(32, 1, 1, 10, 20, 0.2),
                9, "train", 10);
        for (int i = 0; i < 10; i++) {
            FashionScenes.Placed p = scenes.layout(i).items().get(0);
            LabeledBox box = scenes.get(i).boxes().get(0);
            int side = p.sprite().side();
            assertEquals(new LabeledBox(p.x(), p.y(), p.x() + side, p.y() + side, 4), box);
            Image image = scenes.get(i).image();
            for (int c = 0; c < 3; c++) {
                assertEquals(p.tint()[c], image.get(p.x(), p.y(), c), "opaque item shows its tint");
                assertEquals(p.tint()[c], image.get(p.x() + side - 1, p.y() + side - 1, c));
            }
        }
    }

    @Test
    void spriteAtItsOwnSizeIsTheItemAndScalingKeepsTheShape() {
        FashionMnist items = FashionData.train();
        ItemSprite same = ItemSprite.of(items, 0, 28);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int g = items.gray(0, x, y);
                assertEquals(g <= ItemSprite.MASK_THRESHOLD ? 0 : g, same.alphaAt(x, y));
            }
        }
        ItemSprite big = ItemSprite.of(items, 0, 56);
        assertEquals(2 * same.x1(), big.x1(), 1);
        assertEquals(2 * same.x2(), big.x2(), 1);
        assertEquals(2 * same.y2(), big.y2(), 1);
    }

    @Test
    void trainAndEvalScenesComeFromTheirOwnSplits() {
        FashionScenes eval = new FashionScenes(FashionData.test(), CFG, 0, "eval", 100);
        FashionScenes train = train(0);
        assertEquals("fashion-scenes/eval (100)", eval.name());
        for (int i = 0; i < 20; i++) {
            assertFalse(Arrays.equals(train.get(i).image().rgb(), eval.get(i).image().rgb()));
            for (FashionScenes.Placed p : eval.layout(i).items()) {
                assertEquals(FashionData.test().label(p.sprite().item()), p.sprite().label());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FashionScenes(FashionData.test(), CFG, 0, "train", 10));
        assertMentions(e, "train split", "fashion-mnist/test");
        e = assertThrows(IllegalArgumentException.class,
                () -> new FashionScenes(FashionData.test(), CFG, 0, "test", 10));
        assertMentions(e, "'test'", "train or eval");
    }

    @Test
    void backgroundsAreTexturedAndVary() {
        FashionScenes scenes = train(0);
        Set<Integer> corners = new HashSet<>();
        int lively = 0;
        for (int i = 0; i < 100; i++) {
            byte[] bg = scenes.layout(i).background();
            corners.add(rgbAt(bg, 0) ^ rgbAt(bg, 64 * 64 - 1) << 1);
            // spatial spread of the most varied channel: a flat colour has 0
            double spread = 0;
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                double squares = 0;
                for (int p = c; p < bg.length; p += 3) {
                    sum += bg[p] & 0xff;
                    squares += (bg[p] & 0xff) * (bg[p] & 0xff);
                }
                double mean = sum / (64 * 64);
                spread = Math.max(spread, Math.sqrt(squares / (64 * 64) - mean * mean));
            }
            assertTrue(spread > 4, "scene " + i + " background is flat: " + spread);
            lively += spread > 6 ? 1 : 0; // muted on purpose: textures must not out-shout the items
        }
        assertTrue(lively >= 90, "textured backgrounds: " + lively + " of 100");
        assertTrue(corners.size() > 90, "distinct backgrounds: " + corners.size());
    }

    @Test
    void impossibleScenesFailNamingTheSettings() {
        FashionScenes crowded = new FashionScenes(FashionData.train(),
                new SceneConfig(16, 3, 3, 16, 16, 0.0), 0, "train", 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> crowded.get(0));
        assertMentions(e, "dataset.scenes.min_items 3", "max_overlap");
        assertThrows(IndexOutOfBoundsException.class, () -> crowded.get(5));
    }

    @Test
    void composingASceneIsCheap() {
        FashionScenes scenes = train(0);
        long sink = 0;
        for (int i = 0; i < N; i++) {
            sink += scenes.get(i).image().rgb()[0];
        }
        long start = System.nanoTime();
        for (int i = 0; i < N; i++) {
            sink += scenes.get(i).image().rgb()[0];
        }
        double micros = (System.nanoTime() - start) / 1e3 / N;
        System.out.printf("fashion-scenes: %.1f us per 64 px scene (%d)%n", micros, sink & 1);
        assertTrue(micros < 1000, micros + " us per scene");
    }

    /** Every edge row and column of the sprite's box holds a visible mask pixel. */
    private static void assertTight(ItemSprite s) {
        boolean top = false;
        boolean bottom = false;
        boolean left = false;
        boolean right = false;
        for (int x = s.x1(); x < s.x2(); x++) {
            top |= s.alphaAt(x, s.y1()) > ItemSprite.MASK_THRESHOLD;
            bottom |= s.alphaAt(x, s.y2() - 1) > ItemSprite.MASK_THRESHOLD;
        }
        for (int y = s.y1(); y < s.y2(); y++) {
            left |= s.alphaAt(s.x1(), y) > ItemSprite.MASK_THRESHOLD;
            right |= s.alphaAt(s.x2() - 1, y) > ItemSprite.MASK_THRESHOLD;
        }
        assertTrue(top && bottom && left && right, "box of item " + s.item() + " is not tight");
        for (int y = 0; y < s.side(); y++) {
            for (int x = 0; x < s.side(); x++) {
                boolean inside = x >= s.x1() && x < s.x2() && y >= s.y1() && y < s.y2();
                assertTrue(inside || s.alphaAt(x, y) == 0, "mask pixel outside the box");
            }
        }
    }

    private static int rgbAt(byte[] rgb, int p) {
        return (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | (rgb[3 * p + 2] & 0xff);
    }

    static double iou(LabeledBox a, LabeledBox b) {
        double inter = intersection(a, b);
        return inter / (a.area() + b.area() - inter);
    }

    private static double intersection(LabeledBox a, LabeledBox b) {
        double iw = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
        double ih = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        return iw <= 0 || ih <= 0 ? 0 : iw * ih;
    }
}
