package org.elasticscrl.core.augment;

import java.util.Arrays;

/**
 * PIL's {@code Image.resize(size, BICUBIC)} on interleaved 8-bit RGB, byte for byte: a horizontal
 * pass whose results are rounded and clipped to 8-bit levels, then a vertical pass, each with
 * 22-bit fixed-point weights from {@link ResampleKernel}. A pass whose size does not change is a
 * copy, as in PIL. Integer sums are exact, so the loop order (chosen here for cache locality) does
 * not change the result.
 *
 * <p>Two liberties that leave the bytes unchanged: the source is a region of a larger image
 * (torchvision crops, then resizes), and only a window of the output may be computed (a centre
 * crop of a resize needs only its own rows and columns). A left-right flip of the window can be
 * folded into the horizontal pass: the vertical pass treats columns independently.
 *
 * <p>Speed: both passes are multiply-adds of whole int arrays ({@link #multiplyAdd}), which
 * HotSpot's C2 compiles to SIMD code only when the arrays are indexed from 0; so the rows between
 * the passes are kept as one int array per row (holding 0..255), and the horizontal pass works on
 * transposed bands of the source.
 */
final class Bicubic {
    /** Source rows transposed at a time by the horizontal pass (64 measured fastest). */
    private static final int BAND = 64;

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
        int[][] mid = ws.rows(rows, 3 * ww);
        if (needH) {
            horizontal(src, srcWidth, x0, y0 + rowLo, rows, ResampleKernel.bicubic(w, outW), wx, ww, flip, mid, ws);
        } else {
            copyColumns(src, srcWidth, x0 + wx, y0 + rowLo, rows, ww, flip, mid);
        }
        if (needV) {
            vertical(mid, rowLo, kv, wy, wh, 3 * ww, dst, ws.sums(3 * ww));
        } else {
            for (int r = 0; r < wh; r++) {
                int[] row = mid[r];
                for (int x = 0, out = 3 * ww * r; x < 3 * ww; x++) {
                    dst[out + x] = (byte) row[x];
                }
            }
        }
    }

    /**
     * Rows {@code [y0, y0 + rows)} into {@code mid[0 .. rows)}, levels clipped to 0..255. Done on
     * the transpose, a band of rows at a time: the band's source columns become int arrays, each
     * output column is then a vectorised multiply-add of whole columns, and its clipped values are
     * written back into the rows. Twice as fast as gathering taps along a row, and the same sums.
     */
    private static void horizontal(byte[] src, int srcWidth, int x0, int y0, int rows,
            ResampleKernel k, int from, int n, boolean flip, int[][] mid, Workspace ws) {
        int lo = k.inputFrom(from);
        int hi = k.inputTo(from + n);
        int[][] cols = ws.columns(hi - lo, 3 * BAND);
        int[] sums = ws.sums(3 * BAND);
        for (int b0 = 0; b0 < rows; b0 += BAND) {
            int band = Math.min(BAND, rows - b0);
            int len = 3 * band;
            for (int r = 0; r < band; r++) {
                int p = 3 * ((y0 + b0 + r) * srcWidth + x0 + lo);
                int q = 3 * r;
                for (int x = 0; x < hi - lo; x++, p += 3) {
                    int[] col = cols[x];
                    col[q] = src[p] & 0xff;
                    col[q + 1] = src[p + 1] & 0xff;
                    col[q + 2] = src[p + 2] & 0xff;
                }
            }
            for (int j = 0; j < n; j++) {
                int o = from + j;
                Arrays.fill(sums, 0, len, ResampleKernel.HALF);
                int c = k.first[o] - lo;
                int wi = o * k.stride;
                for (int t = 0, taps = k.count[o]; t < taps; t++) {
                    multiplyAdd(cols[c + t], k.weights[wi + t], sums, len);
                }
                int q = 3 * (flip ? n - 1 - j : j);
                for (int r = 0; r < band; r++) {
                    int[] row = mid[b0 + r];
                    row[q] = clip(sums[3 * r]);
                    row[q + 1] = clip(sums[3 * r + 1]);
                    row[q + 2] = clip(sums[3 * r + 2]);
                }
            }
        }
    }

    /** {@code mid} holds the horizontally resampled rows from {@code rowOffset} on. */
    private static void vertical(int[][] mid, int rowOffset, ResampleKernel k, int from, int n, int len,
            byte[] dst, int[] sums) {
        for (int j = 0; j < n; j++) {
            int o = from + j;
            Arrays.fill(sums, 0, len, ResampleKernel.HALF);
            int r = k.first[o] - rowOffset;
            int wi = o * k.stride;
            for (int t = 0, taps = k.count[o]; t < taps; t++) {
                multiplyAdd(mid[r + t], k.weights[wi + t], sums, len);
            }
            int out = j * len;
            for (int x = 0; x < len; x++) {
                dst[out + x] = (byte) clip(sums[x]);
            }
        }
    }

    /** {@code sums[x] += row[x] * weight}: both indexed from 0, the shape C2 vectorises. */
    private static void multiplyAdd(int[] row, int weight, int[] sums, int len) {
        for (int x = 0; x < len; x++) {
            sums[x] += row[x] * weight;
        }
    }

    private static void copyColumns(byte[] src, int srcWidth, int x0, int y0, int rows, int n,
            boolean flip, int[][] mid) {
        for (int r = 0; r < rows; r++) {
            int in = 3 * ((y0 + r) * srcWidth + x0);
            int[] row = mid[r];
            for (int j = 0; j < n; j++) {
                int p = in + 3 * j;
                int q = 3 * (flip ? n - 1 - j : j);
                row[q] = src[p] & 0xff;
                row[q + 1] = src[p + 1] & 0xff;
                row[q + 2] = src[p + 2] & 0xff;
            }
        }
    }

    private static int clip(int sum) {
        return Math.max(0, Math.min(sum >> ResampleKernel.PRECISION_BITS, 255));
    }
}
