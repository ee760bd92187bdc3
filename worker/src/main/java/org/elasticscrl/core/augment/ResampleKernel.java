package org.elasticscrl.core.augment;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One axis of PIL's bicubic resampling from {@code inSize} to {@code outSize} samples (Pillow 9,
 * {@code Image.resize(..., BICUBIC)}): for each output sample the first input sample, the number of
 * taps and the weights in 22-bit fixed point. The cubic kernel has a = -0.5 and support 2, widened
 * by the shrink factor when downscaling (that is PIL's antialiasing); weights are normalised to sum
 * 1 in double precision, then rounded half away from zero, with PIL's exact operation order so the
 * integer weights, and hence the output bytes, match PIL's.
 *
 * <p>Kernels are immutable and cached per (in, out) pair: a training run meets a bounded set of
 * sizes (crop sides up to the largest image side, into a handful of view sizes).
 */
final class ResampleKernel {
    /** PIL's {@code PRECISION_BITS}: 32 bits minus 8 for the value and 2 for overshoot. */
    static final int PRECISION_BITS = 22;
    /** Added before the shift so that it rounds to nearest. */
    static final int HALF = 1 << (PRECISION_BITS - 1);

    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<Long, ResampleKernel> CACHE = new ConcurrentHashMap<>();

    final int inSize;
    final int outSize;
    /** Stride of {@link #weights}: the most taps any output sample can have. */
    final int stride;
    /** First input sample of each output sample. */
    final int[] first;
    /** Number of taps of each output sample. */
    final int[] count;
    /** {@code weights[o * stride + t]}: fixed-point weight of input {@code first[o] + t}. */
    final int[] weights;

    private ResampleKernel(int inSize, int outSize, int stride, int[] first, int[] count, int[] weights) {
        this.inSize = inSize;
        this.outSize = outSize;
        this.stride = stride;
        this.first = first;
        this.count = count;
        this.weights = weights;
    }

    /** The cached kernel for {@code in -> out}. */
    static ResampleKernel bicubic(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("cannot resample " + in + " samples to " + out);
        }
        long key = ((long) in << 32) | out;
        ResampleKernel k = CACHE.get(key);
        if (k == null) {
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear(); // entries are cheap to rebuild; this only bounds memory on odd datasets
            }
            k = compute(in, out);
            CACHE.put(key, k);
        }
        return k;
    }

    /** Index range of input samples that outputs {@code [from, to)} read: {@code [lo, hi)}. */
    int inputFrom(int from) {
        return first[from];
    }

    int inputTo(int to) {
        return first[to - 1] + count[to - 1];
    }

    private static ResampleKernel compute(int in, int out) {
        // PIL passes the source box as C floats; (float) in is exact for any realistic size.
        double scale = (double) (float) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[out];
        int[] count = new int[out];
        int[] weights = new int[out * stride];
        double[] k = new double[stride];
        double invScale = 1.0 / filterScale;
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int n = Math.min((int) (center + support + 0.5), in) - lo;
            double sum = 0.0;
            for (int t = 0; t < n; t++) {
                double w = cubic((t + lo - center + 0.5) * invScale);
                k[t] = w;
                sum += w;
            }
            for (int t = 0; t < n; t++) {
                double w = sum != 0.0 ? k[t] / sum : k[t];
                weights[o * stride + t] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[o] = lo;
            count[o] = n;
        }
        return new ResampleKernel(in, out, stride, first, count, weights);
    }

    /** Keys' cubic convolution kernel with a = -0.5, written in PIL's evaluation order. */
    private static double cubic(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return (1.5 * x - 2.5) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * -0.5;
        }
        return 0.0;
    }
}
