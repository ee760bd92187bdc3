package org.elasticscrl.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamingSumTest {
    /** Feeds {@code payload} to {@code s} in chunks of {@code size} bytes. */
    private static void feed(PayloadSummer s, ByteBuffer payload, int size) {
        ByteBuffer b = payload.duplicate();
        while (b.hasRemaining()) {
            int n = Math.min(size, b.remaining());
            s.accept(b.slice().limit(n));
            b.position(b.position() + n);
        }
    }

    private static ByteBuffer filled(DType dtype, float value, int... lengths) {
        float[][] parts = new float[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            parts[i] = new float[lengths[i]];
            Arrays.fill(parts[i], value);
        }
        return TensorCodec.encode(dtype, parts);
    }

    /** Streams meet in the stripes of an array left over from an earlier sum: its old contents never count. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void concurrentStreamsSumExactlyIntoAReusedArray(DType dtype) throws Exception {
        int[] lengths = {250_001, 50_006}; // several 64 Ki-float stripes, split mid-stripe between the parts
        int n = lengths[0] + lengths[1];
        float[] old = new float[n];
        Arrays.fill(old, Float.NaN);
        StreamingSum sum = new StreamingSum(h -> {});
        sum.reuse(old);
        int streams = 6;
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 1; k <= streams; k++) {
                ByteBuffer payload = filled(dtype, k, lengths);
                PayloadSummer s = sum.summer();
                done.add(pool.submit(() -> {
                    feed(s, payload, 4099);
                    s.finish();
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertSame(old, sum.sum(), "the offered array is summed into");
        float expected = streams * (streams + 1) / 2f; // small integers: exact in any order
        for (int i = 0; i < n; i++) assertEquals(expected, old[i], "element " + i);
        assertEquals(List.of(250_001, 50_006), Arrays.stream(sum.lengths()).boxed().toList());
    }

    @Test
    void theFirstHeaderFixesTheLayoutAndOthersAreRefusedBeforeAddingAnything() {
        StreamingSum sum = new StreamingSum(h -> {
            if (h.parts() != 2) throw new IllegalArgumentException("a summed contribution has 2 parts");
        });
        assertNull(sum.sum());
        PayloadSummer first = sum.summer();
        feed(first, filled(DType.F32, 1, 3, 2), 7);
        first.finish();
        assertEquals(5, first.added());
        // same element count, other split: refused at its header
        PayloadSummer other = sum.summer();
        var e = assertThrows(IllegalArgumentException.class, () -> feed(other, filled(DType.F32, 9, 2, 3), 64));
        assertTrue(e.getMessage().contains("[2, 3] differ from the other contributions' [3, 2]"), e.getMessage());
        assertEquals(0, other.added());
        PayloadSummer threeParts = sum.summer();
        assertThrows(IllegalArgumentException.class, () -> feed(threeParts, filled(DType.F32, 9, 3, 1, 1), 64));
        assertEquals(0, threeParts.added());
        assertEquals(List.of(1f, 1f, 1f, 1f, 1f), toList(sum.sum()));
    }

    /** A header that declares another size than the authenticated announcement sizes nothing. */
    @Test
    void aHeaderDisagreeingWithTheAnnouncedSizeIsRefusedBeforeAnythingIsSized() {
        StreamingSum sum = new StreamingSum(h -> {});
        ByteBuffer payload = filled(DType.F32, 1, 3, 2);
        PayloadSummer liar = sum.summer(payload.remaining() - 4L);
        var e = assertThrows(IllegalArgumentException.class, () -> feed(liar, payload, 64));
        assertTrue(e.getMessage().contains("its announcement"), e.getMessage());
        assertNull(sum.sum(), "no accumulator was sized by the refused header");
        PayloadSummer honest = sum.summer(payload.remaining());
        feed(honest, payload, 64);
        honest.finish();
        assertEquals(5, honest.added());
    }

    @Test
    void anArrayOfAnotherLengthIsNotReused() {
        StreamingSum sum = new StreamingSum(h -> {});
        float[] small = new float[4];
        sum.reuse(small);
        PayloadSummer s = sum.summer();
        feed(s, filled(DType.F32, 2, 5), 64);
        assertNotSame(small, sum.sum());
        assertEquals(List.of(2f, 2f, 2f, 2f, 2f), toList(sum.sum()));
    }

    /** A fresh accumulator trusts that streams write in order: one that skips ahead is caught, not summed wrong. */
    @Test
    void aFreshAdderRefusesAStreamThatSkipsElements() {
        float[] acc = new float[10];
        Arrays.fill(acc, 7);
        StripedFloatAdder adder = StripedFloatAdder.fresh(acc, 4);
        adder.add(0, new float[] {1, 2}, 2); // first writer sets
        adder.add(0, new float[] {1, 1, 1}, 3); // adds below the mark, sets above it
        assertEquals(List.of(2f, 3f, 1f, 7f), toList(Arrays.copyOf(acc, 4)));
        assertThrows(IllegalStateException.class, () -> adder.add(5, new float[] {1}, 1));
    }

    private static List<Float> toList(float[] v) {
        List<Float> out = new ArrayList<>();
        for (float x : v) out.add(x);
        return out;
    }
}
