package org.elasticscrl.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.elasticscrl.config.SceneConfig;
import org.elasticscrl.plan.Rng;

/**
 * fashion-scenes: multi-object canvases composed from real Fashion-MNIST items, with a
 * ground-truth box and class per item — multi-object data for SCRL and for the RoI-linear
 * evaluation. Train scenes use the train items, eval scenes the test items.
 *
 * <p>Scene {@code i} is a pure function of (seed, split, i), drawn from the stream
 * {@code Rng.of(seed, "scenes", split, i)}: a textured background ({@link SceneBackground}), then
 * {@code min_items..max_items} items, each rescaled to a side in
 * {@code [min_item_size, max_item_size]}, tinted with a colour that stands out from the
 * background under it and alpha-composited with its intensity as the mask. Items lie fully inside
 * the canvas; two items' boxes have IoU at most {@code max_overlap}, and neither covers more than
 * {@code max(1/2, max_overlap)} of the other's area (IoU alone lets a small item vanish under a
 * big one).
 *
 * <p>An item's box is the tight box {@code [x1, y1, x2, y2)} of its own visible mask
 * ({@link ItemSprite}); later items are painted over earlier ones, which the overlap limits keep
 * small. Scenes are composed on demand (about 0.1 ms for 64 px), so nothing is cached.
 */
public final class FashionScenes implements Dataset {
    /** Which Fashion-MNIST split each scene split is composed from. */
    public static final Map<String, String> SOURCE_SPLIT = Map.of("train", "train", "eval", "test");

    private static final int TRIES_PER_ITEM = 100;
    private static final int REDRAW_EVERY = 20;
    private static final int MIN_CONTRAST = 160;
    private static final int TINT_TRIES = 8;
    private static final int BRIGHT = 200;

    private final FashionMnist items;
    private final SceneConfig cfg;
    private final long seed;
    private final String split;
    private final int count;
    /** A smaller item may not be hidden under a larger one even when their IoU is small. */
    private final double maxCover;

    /** One item on the canvas: its sprite's top-left corner and its tint. */
    record Placed(ItemSprite sprite, int x, int y, int[] tint) {
        int x1() {
            return x + sprite.x1();
        }

        int y1() {
            return y + sprite.y1();
        }

        int x2() {
            return x + sprite.x2();
        }

        int y2() {
            return y + sprite.y2();
        }

        int area() {
            return (x2() - x1()) * (y2() - y1());
        }

        LabeledBox box() {
            return new LabeledBox(x1(), y1(), x2(), y2(), sprite.label());
        }
    }

    /** A scene before its items are painted: the background and the placed items, in order. */
    record Layout(byte[] background, List<Placed> items) {}

    /**
     * {@code count} scenes of split {@code train} or {@code eval}, composed from {@code items}
     * (the Fashion-MNIST train or test split respectively).
     */
    public FashionScenes(FashionMnist items, SceneConfig cfg, long seed, String split, int count) {
        String source = split == null ? null : SOURCE_SPLIT.get(split);
        if (source == null) {
            throw new IllegalArgumentException("fashion-scenes split '" + split + "'; expected"
                    + " train or eval");
        }
        if (!items.split().equals(source)) {
            throw new IllegalArgumentException("fashion-scenes " + split + " scenes are composed"
                    + " from the Fashion-MNIST " + source + " split, got " + items.name());
        }
        if (count < 1) {
            throw new IllegalArgumentException("fashion-scenes " + split + ": " + count
                    + " scenes; expected at least 1");
        }
        this.items = items;
        this.cfg = cfg;
        this.seed = seed;
        this.split = split;
        this.count = count;
        this.maxCover = Math.max(0.5, cfg.maxOverlap());
    }

    @Override
    public String name() {
        return "fashion-scenes/" + split + " (" + count + ")";
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public List<String> classes() {
        return FashionMnist.CLASSES;
    }

    /**
     * The composed scene with one box per item; its label is the class of the largest item
     * (largest box, the first on ties), for the online evaluator.
     */
    @Override
    public Sample get(int index) {
        Layout layout = layout(index);
        Placed largest = layout.items().get(0);
        List<LabeledBox> boxes = new ArrayList<>(layout.items().size());
        for (Placed p : layout.items()) {
            boxes.add(p.box());
            if (p.area() > largest.area()) {
                largest = p;
            }
        }
        return new Sample(render(layout, -1), largest.sprite().label(), boxes);
    }

    /** Draws scene {@code index}'s background and item placements. */
    Layout layout(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("scene " + index + " of " + name());
        }
        SplittableRandom rng = Rng.of(seed, Rng.key("scenes"), Rng.key(split), index);
        int size = cfg.canvasSize();
        byte[] background = new byte[3 * size * size];
        SceneBackground.paint(background, size, rng);
        int wanted = rng.nextInt(cfg.minItems(), cfg.maxItems() + 1);
        List<Placed> placed = new ArrayList<>(wanted);
        while (placed.size() < wanted) {
            Placed p = place(rng, placed, background);
            if (p == null) {
                break;
            }
            placed.add(p);
        }
        if (placed.size() < cfg.minItems()) {
            throw new IllegalStateException("fashion-scenes " + split + " scene " + index
                    + ": placed only " + placed.size() + " of dataset.scenes.min_items "
                    + cfg.minItems() + " in " + TRIES_PER_ITEM + " tries each; lower min_items"
                    + " or min_item_size, or raise max_overlap or canvas_size");
        }
        return new Layout(background, placed);
    }

    /**
     * Random positions until the item fits the overlap limits; every {@code REDRAW_EVERY} tries
     * a new item is drawn, with the largest allowed side shrinking towards {@code min_item_size},
     * so a crowded canvas still fills up. {@code null} when no place is found.
     */
    private Placed place(SplittableRandom rng, List<Placed> placed, byte[] background) {
        int size = cfg.canvasSize();
        int lo = cfg.minItemSize();
        ItemSprite sprite = null;
        for (int t = 0; t < TRIES_PER_ITEM; t++) {
            if (t % REDRAW_EVERY == 0) {
                int hi = cfg.maxItemSize() - (cfg.maxItemSize() - lo) * t / TRIES_PER_ITEM;
                sprite = drawSprite(rng, rng.nextInt(lo, hi + 1));
            }
            int x = rng.nextInt(size - sprite.side() + 1);
            int y = rng.nextInt(size - sprite.side() + 1);
            Placed candidate = new Placed(sprite, x, y, null);
            if (fits(candidate, placed)) {
                return new Placed(sprite, x, y, tint(rng, candidate, background));
            }
        }
        return null;
    }

    private ItemSprite drawSprite(SplittableRandom rng, int side) {
        for (int t = 0; t < 32; t++) {
            ItemSprite s = ItemSprite.of(items, rng.nextInt(items.size()), side);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalStateException(items.name() + ": 32 random items drew no visible pixel"
                + " at " + side + " px; the item images look blank");
    }

    private boolean fits(Placed c, List<Placed> placed) {
        for (Placed p : placed) {
            int iw = Math.min(c.x2(), p.x2()) - Math.max(c.x1(), p.x1());
            int ih = Math.min(c.y2(), p.y2()) - Math.max(c.y1(), p.y1());
            if (iw <= 0 || ih <= 0) {
                continue;
            }
            double inter = (double) iw * ih;
            double union = c.area() + p.area() - inter;
            if (inter / union > cfg.maxOverlap()
                    || inter > maxCover * Math.min(c.area(), p.area())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A random bright colour (its strongest channel at least {@code BRIGHT}) far (L1 >=
     * MIN_CONTRAST) from the mean background under the item's box: items are always lighter than
     * the dark backgrounds, as Fashion-MNIST items are lighter than their black.
     */
    private int[] tint(SplittableRandom rng, Placed p, byte[] background) {
        int size = cfg.canvasSize();
        long[] sum = new long[3];
        for (int y = p.y1(); y < p.y2(); y++) {
            for (int x = p.x1(); x < p.x2(); x++) {
                for (int ch = 0; ch < 3; ch++) {
                    sum[ch] += background[(y * size + x) * 3 + ch] & 0xff;
                }
            }
        }
        int[] mean = new int[3];
        for (int ch = 0; ch < 3; ch++) {
            mean[ch] = (int) (sum[ch] / p.area());
        }
        for (int t = 0; t < TINT_TRIES; t++) {
            int[] c = {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
            c[rng.nextInt(3)] = rng.nextInt(BRIGHT, 256);
            if (Math.abs(c[0] - mean[0]) + Math.abs(c[1] - mean[1]) + Math.abs(c[2] - mean[2])
                    >= MIN_CONTRAST) {
                return c;
            }
        }
        return new int[] {255, 255, 255}; // always far from a background below MAX_LEVEL
    }

    /** Paints the items over a copy of the background, in order, leaving out item {@code skip}. */
    Image render(Layout layout, int skip) {
        int size = cfg.canvasSize();
        byte[] rgb = layout.background().clone();
        for (int k = 0; k < layout.items().size(); k++) {
            if (k == skip) {
                continue;
            }
            Placed p = layout.items().get(k);
            ItemSprite s = p.sprite();
            for (int v = s.y1(); v < s.y2(); v++) {
                for (int u = s.x1(); u < s.x2(); u++) {
                    int a = s.alphaAt(u, v);
                    if (a == 0) {
                        continue;
                    }
                    int o = ((p.y() + v) * size + p.x() + u) * 3;
                    for (int ch = 0; ch < 3; ch++) {
                        int bg = rgb[o + ch] & 0xff;
                        rgb[o + ch] = (byte) ((bg * (255 - a) + p.tint()[ch] * a + 127) / 255);
                    }
                }
            }
        }
        return new Image(size, size, rgb);
    }
}
