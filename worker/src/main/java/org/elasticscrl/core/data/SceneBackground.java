package org.elasticscrl.core.data;

import java.util.SplittableRandom;

/**
 * Textured backgrounds for fashion-scenes: a linear or radial gradient, soft stripes, rotated
 * checks or smooth value noise ("clouds"), coloured through a random 2- or 3-colour palette, plus
 * a little per-pixel grain. Varied backgrounds keep the learner from finding the items by a
 * flat-colour shortcut. Each texture only computes a weight 0..255 per pixel and the colours come
 * from a 256-entry palette, so a 64x64 canvas costs tens of microseconds.
 */
final class SceneBackground {
    private static final int KINDS = 5;
    private static final int MAX_GRAIN = 12;
    /** Largest per-channel step between palette stops: textures stay muted, items stand out. */
    private static final int MAX_STOP_STEP = 40;
    /**
     * Backgrounds stay dark (every channel below this) and items are tinted bright, so an item is
     * always lighter than what surrounds it, as in Fashion-MNIST: with both polarities the items'
     * shapes would be far harder to learn at CPU scale than the background's identity.
     */
    static final int MAX_LEVEL = 120;

    private SceneBackground() {}

    /** Paints a {@code size x size} RGB canvas; every choice comes from {@code rng}. */
    static void paint(byte[] rgb, int size, SplittableRandom rng) {
        int kind = rng.nextInt(KINDS);
        int[] weight = new int[size * size];
        double angle = rng.nextDouble(0, 2 * Math.PI);
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        switch (kind) {
            case 0 -> gradient(weight, size, cos, sin);
            case 1 -> stripes(weight, size, cos, sin, rng.nextInt(6, 25), (float) rng.nextDouble());
            case 2 -> checks(weight, size, cos, sin, rng.nextInt(6, 21));
            case 3 -> radial(weight, size, rng.nextInt(size), rng.nextInt(size),
                    (float) rng.nextDouble(size / 3.0, size));
            default -> clouds(weight, size, rng.nextInt(2, 6), rng);
        }
        int[] palette = palette(rng, kind == 4 ? 3 : 2);
        colour(rgb, weight, palette, rng.nextInt(MAX_GRAIN + 1), rng);
    }

    private static void gradient(int[] weight, int size, float cos, float sin) {
        float half = size / 2f;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                weight[y * size + x] = level(((x - half) * cos + (y - half) * sin) / size + 0.5f);
            }
        }
    }

    private static void stripes(int[] weight, int size, float cos, float sin, int period,
            float phase) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float s = (x * cos + y * sin) / period + phase;
                float tri = 1 - Math.abs(2 * (s - (float) Math.floor(s)) - 1);
                weight[y * size + x] = level(tri * tri * (3 - 2 * tri));
            }
        }
    }

    private static void checks(int[] weight, int size, float cos, float sin, int cell) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int u = (int) Math.floor((x * cos + y * sin) / cell);
                int v = (int) Math.floor((y * cos - x * sin) / cell);
                weight[y * size + x] = ((u + v) & 1) * 255;
            }
        }
    }

    private static void radial(int[] weight, int size, int cx, int cy, float radius) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int dx = x - cx;
                int dy = y - cy;
                weight[y * size + x] = level((float) Math.sqrt(dx * dx + dy * dy) / radius);
            }
        }
    }

    /** Value noise: random levels on a coarse grid of {@code cells}, smoothly interpolated. */
    private static void clouds(int[] weight, int size, int cells, SplittableRandom rng) {
        float[] node = new float[(cells + 1) * (cells + 1)];
        for (int k = 0; k < node.length; k++) {
            node[k] = (float) rng.nextDouble();
        }
        float scale = (float) cells / size;
        for (int y = 0; y < size; y++) {
            float gy = (y + 0.5f) * scale;
            int j = Math.min((int) gy, cells - 1);
            float ty = smooth(gy - j);
            int row = j * (cells + 1);
            for (int x = 0; x < size; x++) {
                float gx = (x + 0.5f) * scale;
                int i = Math.min((int) gx, cells - 1);
                float tx = smooth(gx - i);
                float top = node[row + i] + (node[row + i + 1] - node[row + i]) * tx;
                float bottom = node[row + cells + 1 + i]
                        + (node[row + cells + 2 + i] - node[row + cells + 1 + i]) * tx;
                weight[y * size + x] = level(top + (bottom - top) * ty);
            }
        }
    }

    private static float smooth(float t) {
        return t * t * (3 - 2 * t);
    }

    /** {@code t} in [0, 1] (clamped) as 0..255. */
    private static int level(float t) {
        return (int) (Math.max(0f, Math.min(1f, t)) * 255 + 0.5f);
    }

    /**
     * 256 packed RGB colours running through {@code stops} colours at even spacing: a random base
     * colour, then each stop within {@code MAX_STOP_STEP} per channel of the previous one (and at
     * least a third of that apart in L1, so the texture shows). High-contrast textures would
     * out-shout the items' own edges; at CPU scale nothing would be learned about the items.
     */
    private static int[] palette(SplittableRandom rng, int stops) {
        int[][] c = new int[stops][];
        c[0] = randomColour(rng);
        for (int s = 1; s < stops; s++) {
            do {
                c[s] = new int[3];
                for (int ch = 0; ch < 3; ch++) {
                    c[s][ch] = Math.max(0, Math.min(MAX_LEVEL, c[s - 1][ch] + rng.nextInt(-MAX_STOP_STEP, MAX_STOP_STEP + 1)));
                }
            } while (l1(c[s], c[s - 1]) < MAX_STOP_STEP);
        }
        int[] palette = new int[256];
        for (int w = 0; w < 256; w++) {
            float pos = w / 255f * (stops - 1);
            int s = Math.min((int) pos, stops - 2);
            float f = pos - s;
            int packed = 0;
            for (int ch = 0; ch < 3; ch++) {
                packed = packed << 8 | (int) (c[s][ch] + (c[s + 1][ch] - c[s][ch]) * f + 0.5f);
            }
            palette[w] = packed;
        }
        return palette;
    }

    private static int[] randomColour(SplittableRandom rng) {
        return new int[] {rng.nextInt(MAX_LEVEL + 1), rng.nextInt(MAX_LEVEL + 1), rng.nextInt(MAX_LEVEL + 1)};
    }

    private static int l1(int[] a, int[] b) {
        return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
    }

    /**
     * Looks each weight up in the palette and adds uniform grain in {@code [-amplitude,
     * amplitude]}, the same for the three channels; one 64-bit draw covers three pixels.
     */
    private static void colour(byte[] rgb, int[] weight, int[] palette, int amplitude,
            SplittableRandom rng) {
        int span = 2 * amplitude + 1;
        for (int p = 0; p < weight.length; p += 3) {
            long bits = amplitude == 0 ? 0 : rng.nextLong();
            for (int k = 0; k < 3 && p + k < weight.length; k++) {
                // 21 random bits scaled to 0..span-1: always 0 when amplitude is 0
                int noise = (int) (((bits >>> (21 * k)) & 0x1fffff) * span >>> 21) - amplitude;
                int c = palette[weight[p + k]];
                int o = 3 * (p + k);
                rgb[o] = (byte) Math.max(0, Math.min(255, (c >>> 16) + noise));
                rgb[o + 1] = (byte) Math.max(0, Math.min(255, (c >>> 8 & 0xff) + noise));
                rgb[o + 2] = (byte) Math.max(0, Math.min(255, (c & 0xff) + noise));
            }
        }
    }
}
