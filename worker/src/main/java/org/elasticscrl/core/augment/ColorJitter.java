package org.elasticscrl.core.augment;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * One draw of torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)}: the four
 * operations in a random order and their factors, as {@code ColorJitter.get_params} draws them
 * (factors as float32, like {@code torch.empty(1).uniform_(lo, hi)}).
 *
 * @param order operation ids in application order: 0 brightness, 1 contrast, 2 saturation, 3 hue
 */
record ColorJitter(int[] order, float brightness, float contrast, float saturation, float hue) {
    static final int BRIGHTNESS = 0;
    static final int CONTRAST = 1;
    static final int SATURATION = 2;
    static final int HUE = 3;

    ColorJitter {
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, new int[] {0, 1, 2, 3})) {
            throw new IllegalArgumentException("order must be a permutation of 0..3: " + Arrays.toString(order));
        }
        order = order.clone();
    }

    /**
     * Draws, in this order: the permutation (Fisher-Yates, three {@code nextInt}s), then the
     * brightness, contrast, saturation and hue factors (one {@code nextDouble} each), uniform in
     * {@code [1 - b, 1 + b]}, {@code [1 - c, 1 + c]}, {@code [1 - s, 1 + s]}, {@code [-h, h]}.
     */
    static ColorJitter draw(RandomGenerator rng, double b, double c, double s, double h) {
        int[] order = {0, 1, 2, 3};
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float fb = uniform(rng, Math.max(0, 1 - b), 1 + b);
        float fc = uniform(rng, Math.max(0, 1 - c), 1 + c);
        float fs = uniform(rng, Math.max(0, 1 - s), 1 + s);
        float fh = uniform(rng, -h, h);
        return new ColorJitter(order, fb, fc, fs, fh);
    }

    /** Applies the four operations in {@link #order}, each quantised to 8 bits as PIL does. */
    void apply(byte[] rgb, int pixels) {
        for (int op : order) {
            switch (op) {
                case BRIGHTNESS: PilColor.brightness(rgb, pixels, brightness); break;
                case CONTRAST: PilColor.contrast(rgb, pixels, contrast); break;
                case SATURATION: PilColor.saturation(rgb, pixels, saturation); break;
                default: Hue.rotate(rgb, pixels, Hue.shift(hue)); break;
            }
        }
    }

    @Override
    public int[] order() {
        return order.clone();
    }

    private static float uniform(RandomGenerator rng, double lo, double hi) {
        return (float) (lo + (hi - lo) * rng.nextDouble());
    }
}
