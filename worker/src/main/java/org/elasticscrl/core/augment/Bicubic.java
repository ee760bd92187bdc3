package org.elasticscrl.core.augment;

import java.util.Arrays;

/**
 * PIL's {@code Image.resize(size, BICUBIC)} on interleaved 8-bit RGB, byte for byte: a horizontal
 * pass into 8-bit rows, then a vertical pass, each with 22-bit fixed-point weights from
 * {@link ResampleKernel}, rounded and clipped to 0..255. A pass whose size does not change is a
 * copy, as in PIL. Integer sums are exact, so the loop order (chosen here for cache locality) does
 * not change the result.
 *
 * <p>Two liberties that leave the bytes unchanged: the source is a region of a larger image
 * (torchvision crops, then resizes), and only a window of the output may be computed (a centre
 * crop of a resize needs only its own rows and columns). A left-right flip of the window can be
 * folded into the horizontal pass: the vertical pass treats columns independently.
 */
final class Bicubic {
    private Bicubic() {}

    /**
     * Resizes the region {@code (x0, y0, w, h)} of {@code src} (rows of {@code srcWidth} pixels)
     * to {@code outW x outH} into {@code dst}, mirrored left-right if {@code flip}.
     */
    static void resize(byte[] src, int srcWidth, int x0, int y0, int w, int h,
            int outW, int outH, boolean flip, byte[] dst, Workspace ws) {
        resizeWindow(src, srcWidth, x0, y0, w, h, outW, outH, 0, 0, outW, outH, flip, dst, ws);
    }

    /**
     * As {@link #resize}, but writes only the output window {@code [wx, wx + ww) x [wy, wy + wh)}
     * (rows of {@code ww} pixels) of the full {@code outW x outH} result.
     */
    static void resizeWindow(byte[] src, int srcWidth, int x0, int y0, int w, int h,
            int outW, int outH, int wx, int wy, int ww, int wh, boolean flip, byte[] dst, Workspace ws) {
        if (wx < 0 || wy < 0 || ww <= 0 || wh <= 0 || wx + ww > outW || wy + wh > outH) {
            throw new IllegalArgumentException("window " + ww + "x" + wh + "+" + wx + "+" + wy
                    + " outside the " + outW + "x" + outH + " output");
        }
        if (src.length < 3L * srcWidth * (y0 + h) || x0 < 0 || y0 < 0 || x0 + w > srcWidth) {
            throw new IllegalArgumentException("region " + w + "x" + h + "+" + x0 + "+" + y0
                    + " outside the " + srcWidth + "-pixel-wide source");
        }
        boolean needH = outW != w;
        boolean needV = outH != h;
        ResampleKernel kv = needV ? ResampleKernel.bicubic(h, outH) : null;
        int rowLo = needV ? kv.inputFrom(wy) : wy;
        int rowHi = needV ? kv.inputTo(wy + wh) : wy + wh;
        int rows = rowHi - rowLo;
        byte[] mid = needV ? ws.rows(3 * ww * rows) : dst;
        if (needH) {
            horizontal(src, srcWidth, x0, y0 + rowLo, rows, ResampleKernel.bicubic(w, outW), wx, ww, flip, mid);
        } else {
            copyColumns(src, srcWidth, x0 + wx, y0 + rowLo, rows, ww, flip, mid);
        }
        if (needV) {
            vertical(mid, ww, rowLo, kv, wy, wh, dst, ws.sums(3 * ww));
        }
    }

    private static void horizontal(byte[] src, int srcWidth, int x0, int y0, int rows,
            ResampleKernel k, int from, int n, boolean flip, byte[] dst) {
        int[] first = k.first;
        int[] count = k.count;
        int[] weights = k.weights;
        int stride = k.stride;
        for (int r = 0; r < rows; r++) {
            int in = 3 * ((y0 + r) * srcWidth + x0);
            int out = 3 * r * n;
            for (int j = 0; j < n; j++) {
                int o = from + j;
                int p = in + 3 * first[o];
                int wi = o * stride;
                int end = wi + count[o];
                int s0 = ResampleKernel.HALF;
                int s1 = ResampleKernel.HALF;
                int s2 = ResampleKernel.HALF;
                for (; wi < end; wi++, p += 3) {
                    int wgt = weights[wi];
                    s0 += (src[p] & 0xff) * wgt;
                    s1 += (src[p + 1] & 0xff) * wgt;
                    s2 += (src[p + 2] & 0xff) * wgt;
                }
                int q = out + 3 * (flip ? n - 1 - j : j);
                dst[q] = clip(s0);
                dst[q + 1] = clip(s1);
                dst[q + 2] = clip(s2);
            }
        }
    }

    /** {@code src} holds the rows from {@code rowOffset} on of the horizontally resampled image. */
    private static void vertical(byte[] src, int width, int rowOffset, ResampleKernel k,
            int from, int n, byte[] dst, int[] sums) {
        int len = 3 * width;
        for (int j = 0; j < n; j++) {
            int o = from + j;
            Arrays.fill(sums, 0, len, ResampleKernel.HALF);
            int base = (k.first[o] - rowOffset) * len;
            int wi = o * k.stride;
            for (int t = 0, taps = k.count[o]; t < taps; t++, base += len) {
                int wgt = k.weights[wi + t];
                for (int x = 0; x < len; x++) {
                    sums[x] += (src[base + x] & 0xff) * wgt;
                }
            }
            int out = j * len;
            for (int x = 0; x < len; x++) {
                dst[out + x] = clip(sums[x]);
            }
        }
    }

    private static void copyColumns(byte[] src, int srcWidth, int x0, int y0, int rows, int n,
            boolean flip, byte[] dst) {
        for (int r = 0; r < rows; r++) {
            int in = 3 * ((y0 + r) * srcWidth + x0);
            int out = 3 * r * n;
            if (!flip) {
                System.arraycopy(src, in, dst, out, 3 * n);
                continue;
            }
            for (int j = 0; j < n; j++) {
                int p = in + 3 * j;
                int q = out + 3 * (n - 1 - j);
                dst[q] = src[p];
                dst[q + 1] = src[p + 1];
                dst[q + 2] = src[p + 2];
            }
        }
    }

    private static byte clip(int sum) {
        int v = sum >> ResampleKernel.PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
