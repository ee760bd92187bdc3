package org.elasticscrl.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.augment.TwoViewAugmentation;
import org.elasticscrl.core.roi.BoxPairs;
import org.elasticscrl.core.roi.BoxSampler;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RandomResizedCrop;
import org.elasticscrl.core.train.Chunk;
import org.elasticscrl.core.train.ScrlObjective;
import org.elasticscrl.core.train.Objectives;
import org.elasticscrl.plan.Rng;
import org.junit.jupiter.api.Test;

/** Loading chunks: same bytes on any thread count, crops as drawn, unreadable samples skipped and named. */
class ChunkLoaderTest {
    private static final ScrlConfig CFG = Fixtures.tiny("scrl");

    /** Synthetic images; the ones in {@code broken} are unreadable. */
    private static Dataset images(int n, int... broken) {
        return new Dataset() {
            @Override
            public String name() {
                return "synthetic";
            }

            @Override
            public int size() {
                return n;
            }

            @Override
            public Sample get(int index) {
                if (Arrays.stream(broken).anyMatch(b -> b == index)) {
                    throw new UnreadableSampleException("img" + index + ".jpg", "truncated", null);
                }
                SplittableRandom r = new SplittableRandom(index);
                Image img = Image.blank(48 + index % 7, 40);
                for (int i = 0; i < img.rgb().length; i++) {
                    img.rgb()[i] = (byte) r.nextInt(256);
                }
                return Sample.of(img, index % 10);
            }

            @Override
            public List<String> classes() {
                return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            }
        };
    }

    private static Chunk load(Dataset data, int threads, int[] indices) {
        try (ChunkLoader loader = new ChunkLoader(data, TwoViewAugmentation.of(CFG.augment()), 11, threads)) {
            return loader.load(3, indices).join().chunk();
        }
    }

    @Test
    void sameChunkOnOneOrManyThreads() {
        int[] idx = {5, 1, 9, 4, 7, 0, 2, 8};
        Chunk one = load(images(10), 1, idx);
        Chunk three = load(images(10), 3, idx);
        assertArrayEquals(one.pixels(), three.pixels());
        assertArrayEquals(one.crops1(), three.crops1());
        assertArrayEquals(one.crops2(), three.crops2());
        assertArrayEquals(new long[] {5, 1, 9, 4, 7, 0, 2, 8}, one.sampleIds());
        assertArrayEquals(new int[] {5, 1, 9, 4, 7, 0, 2, 8}, one.labels());
    }

    @Test
    void cropsAreTheOnesDrawnAndTheSamplerSeesThem() {
        int[] idx = {3, 6};
        Dataset data = images(10);
        Chunk chunk = load(data, 2, idx);
        var scale = CFG.augment().cropScale();
        RandomResizedCrop rrc = RandomResizedCrop.withScale(scale.get(0), scale.get(1));
        for (int i = 0; i < idx.length; i++) {
            Image img = data.get(idx[i]).image();
            for (int v = 0; v < 2; v++) {
                // the augmentation draws the crop first, then the flip, from the sample's own stream
                SplittableRandom rng = Rng.of(11, Rng.key("augment"), 3, idx[i], v);
                CropBox expected = rrc.sample(img.height(), img.width(), rng).withFlip(rng.nextDouble() < 0.5);
                assertEquals(expected, (v == 0 ? chunk.crops1() : chunk.crops2())[i]);
            }
        }
        ScrlObjective scrl = (ScrlObjective) Objectives.create(CFG);
        BoxSampler sampler = new BoxSampler(CFG.network().scrl(), CFG.augment().inputSize());
        double[][] boxes = scrl.rois(chunk).boxes();
        int row = 0;
        for (int i = 0; i < idx.length; i++) {
            BoxPairs p = sampler.sample(chunk.crops1()[i], chunk.crops2()[i], Rng.of(CFG.seed(), Rng.key("boxes"), 3, idx[i]));
            for (int k = 0; k < p.size(); k++, row++) {
                assertArrayEquals(p.view1()[k], Arrays.copyOfRange(boxes[row], 1, 5));
                assertEquals(i, boxes[row][0]);
            }
        }
        assertEquals(row, boxes.length / 2);
    }

    @Test
    void byolLcChunksHaveTheWholeImageAsView1AndTheUsualView2() {
        ScrlConfig lc = Fixtures.tiny("byol_lc");
        int[] idx = {3, 6, 8};
        Dataset data = images(10);
        Chunk usual = load(data, 2, idx);
        try (ChunkLoader loader = new ChunkLoader(data, TwoViewAugmentation.of(lc.augment()), 11, 2)) {
            Chunk chunk = loader.load(3, idx).join().chunk();
            for (int i = 0; i < idx.length; i++) {
                Image img = data.get(idx[i]).image();
                assertEquals(new CropBox(0, 0, img.height(), img.width(), false), chunk.crops1()[i]);
            }
            assertArrayEquals(usual.crops2(), chunk.crops2());
        }
    }

    @Test
    void unreadableSamplesAreSkippedAndNamed() {
        int[] idx = {0, 1, 2, 3};
        Chunk full = load(images(10), 2, idx);
        try (ChunkLoader loader = new ChunkLoader(images(10, 1, 3), TwoViewAugmentation.of(CFG.augment()), 11, 2)) {
            ChunkLoader.Loaded l = loader.load(3, idx).join();
            assertEquals(List.of("img1.jpg", "img3.jpg"), l.skipped());
            assertArrayEquals(new long[] {0, 2}, l.chunk().sampleIds());
            int plane = 3 * 32 * 32;
            // view 1 of sample 2 and view 2 of sample 0 land where a 2-sample chunk keeps them
            assertArrayEquals(Arrays.copyOfRange(full.pixels(), 2 * plane, 3 * plane),
                    Arrays.copyOfRange(l.chunk().pixels(), plane, 2 * plane));
            assertArrayEquals(Arrays.copyOfRange(full.pixels(), 4 * plane, 5 * plane),
                    Arrays.copyOfRange(l.chunk().pixels(), 2 * plane, 3 * plane));
            ChunkLoader.Loaded none = loader.load(3, new int[] {1, 3}).join();
            assertNull(none.chunk());
            assertTrue(none.skipped().contains("img3.jpg"));
        }
    }
}
