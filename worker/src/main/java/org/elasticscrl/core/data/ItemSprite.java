package org.elasticscrl.core.data;

/**
 * One Fashion-MNIST item prepared for a scene: its gray image rescaled bilinearly to
 * {@code side x side} and used as alpha, with faint pixels ({@code <= MASK_THRESHOLD}) cleared so
 * that the item's footprint on the canvas is exactly its visible mask, and the tight box
 * {@code [x1, y1, x2, y2)} of that mask in sprite pixels.
 *
 * @param item index in the Fashion-MNIST split
 * @param label the item's class
 * @param alpha {@code side * side} values 0..255, row-major (shared, never written)
 */
record ItemSprite(int item, int label, int side, byte[] alpha, int x1, int y1, int x2, int y2) {
    /** Alpha at or below this (about 5 %) counts as background: cleared, outside the box. */
    static final int MASK_THRESHOLD = 12;

    /** Item {@code item} of {@code items} at {@code side} pixels; {@code null} if nothing shows. */
    static ItemSprite of(FashionMnist items, int item, int side) {
        byte[] alpha = resize(items.grayPixels(), items.offset(item), items.cols(), items.rows(),
                side);
        int x1 = side;
        int y1 = side;
        int x2 = 0;
        int y2 = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int p = y * side + x;
                if ((alpha[p] & 0xff) <= MASK_THRESHOLD) {
                    alpha[p] = 0;
                } else {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x + 1);
                    y2 = Math.max(y2, y + 1);
                }
            }
        }
        return x2 > x1 ? new ItemSprite(item, items.label(item), side, alpha, x1, y1, x2, y2)
                : null;
    }

    /** Alpha 0..255 at sprite pixel {@code (x, y)}. */
    int alphaAt(int x, int y) {
        return alpha[y * side + x] & 0xff;
    }

    /**
     * Bilinear resampling with pixel centres aligned ({@code align_corners=False}), so a sprite
     * of the source's own size is an exact copy.
     */
    static byte[] resize(byte[] src, int offset, int width, int height, int side) {
        int[] x0 = new int[side];
        int[] x1 = new int[side];
        float[] fx = new float[side];
        weights(width, side, x0, x1, fx);
        int[] y0 = new int[side];
        int[] y1 = new int[side];
        float[] fy = new float[side];
        weights(height, side, y0, y1, fy);
        byte[] out = new byte[side * side];
        for (int v = 0; v < side; v++) {
            int r0 = offset + y0[v] * width;
            int r1 = offset + y1[v] * width;
            for (int u = 0; u < side; u++) {
                float top = (src[r0 + x0[u]] & 0xff)
                        + ((src[r0 + x1[u]] & 0xff) - (src[r0 + x0[u]] & 0xff)) * fx[u];
                float bottom = (src[r1 + x0[u]] & 0xff)
                        + ((src[r1 + x1[u]] & 0xff) - (src[r1 + x0[u]] & 0xff)) * fx[u];
                out[v * side + u] = (byte) Math.round(top + (bottom - top) * fy[v]);
            }
        }
        return out;
    }

    private static void weights(int source, int side, int[] lo, int[] hi, float[] frac) {
        float scale = (float) source / side;
        for (int u = 0; u < side; u++) {
            float s = Math.max(0f, Math.min(source - 1f, (u + 0.5f) * scale - 0.5f));
            lo[u] = (int) s;
            hi[u] = Math.min(lo[u] + 1, source - 1);
            frac[u] = s - lo[u];
        }
    }
}
