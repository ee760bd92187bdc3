package org.elasticscrl.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PayloadSummerTest {
    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Feeds {@code payload} in chunks of {@code size} bytes (slices, as a network reader would). */
    private static void feed(PayloadSummer s, ByteBuffer payload, int size) {
        ByteBuffer b = payload.duplicate();
        while (b.hasRemaining()) {
            int n = Math.min(size, b.remaining());
            ByteBuffer chunk = b.slice().limit(n);
            s.accept(chunk);
            assertEquals(n, chunk.position(), "a chunk is consumed whole");
            b.position(b.position() + n);
        }
    }

    /** Every chunk size splits the header and elements at every possible place. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void sumsWhateverTheChunkBoundaries(DType dtype) {
        float[][] parts = {{1.5f, -2, 3}, {}, {4, 5, 6, 7, -0f}, {8}};
        ByteBuffer payload = TensorCodec.encode(dtype, parts);
        float[] expected = concat(parts);
        for (int i = 0; i < expected.length; i++) expected[i] += 10;
        for (int size = 1; size <= payload.remaining(); size++) {
            float[] acc = new float[expected.length];
            java.util.Arrays.fill(acc, 10);
            PayloadSummer s = new PayloadSummer(FloatAdder.into(acc));
            feed(s, payload, size);
            s.finish();
            assertTrue(s.complete());
            assertEquals(payload.remaining(), s.bytes());
            assertArrayEquals(expected, acc, "chunk size " + size);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void largeOddPayloadInRandomChunks(DType dtype) {
        SplittableRandom r = new SplittableRandom(3);
        float[] g = new float[200_003];
        for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
        float[] bn = {1, 2, 3};
        ByteBuffer payload = TensorCodec.encode(dtype, g, bn);
        float[] acc = new float[g.length + 3];
        PayloadSummer s = new PayloadSummer(FloatAdder.into(acc));
        ByteBuffer b = payload.duplicate();
        while (b.hasRemaining()) {
            int n = Math.min(1 + r.nextInt(70_000), b.remaining());
            s.accept(b.slice().limit(n));
            b.position(b.position() + n);
        }
        s.finish();
        float[][] decoded = TensorCodec.decode(payload);
        assertArrayEquals(concat(decoded), acc);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void truncatedStreamFailsAtFinish(DType dtype) {
        ByteBuffer payload = TensorCodec.encode(dtype, new float[] {1, 2, 3});
        for (int cut = 0; cut < payload.remaining(); cut++) {
            PayloadSummer s = new PayloadSummer(FloatAdder.into(new float[3]));
            s.accept(payload.duplicate().limit(cut));
            assertFalse(s.complete());
            var e = assertThrows(IllegalArgumentException.class, s::finish);
            assertTrue(e.getMessage().startsWith("tensor payload truncated: got " + cut + " bytes"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void bytesPastTheDeclaredPayloadAreRejected(DType dtype) {
        ByteBuffer payload = TensorCodec.encode(dtype, new float[] {1, 2, 3});
        ByteBuffer longer = ByteBuffer.allocate(payload.remaining() + 1).put(payload.duplicate()).put((byte) 0).flip();
        PayloadSummer s = new PayloadSummer(FloatAdder.into(new float[3]));
        var e = assertThrows(IllegalArgumentException.class, () -> s.accept(longer));
        assertTrue(e.getMessage().startsWith("tensor payload has trailing bytes"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aBadHeaderFailsBeforeAnythingIsAdded(DType dtype) {
        ByteBuffer payload = TensorCodec.encode(dtype, new float[] {1, 2, 3});
        ByteBuffer bad = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
        bad.put(0, (byte) 'X');
        float[] acc = new float[3];
        var e = assertThrows(IllegalArgumentException.class, () -> new PayloadSummer(FloatAdder.into(acc)).accept(bad));
        assertTrue(e.getMessage().startsWith("not a tensor payload"), e.getMessage());
        assertArrayEquals(new float[3], acc);
    }

    /**
     * A NaN or an infinity anywhere — in a whole block, or in an element split across chunks — is refused
     * as the sender's fault before its block adds anything: no accumulator ever holds a non-finite value.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void refusesNonFiniteValuesBeforeTheyReachTheSum(DType dtype) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] values = new float[20_000]; // more than one scratch block
            java.util.Arrays.fill(values, 1f);
            values[12_345] = bad;
            ByteBuffer payload = TensorCodec.encode(dtype, values, new float[] {2f});
            for (int size : new int[] {3, 4099, payload.remaining()}) {
                float[] acc = new float[values.length + 1];
                PayloadSummer s = new PayloadSummer(FloatAdder.into(acc));
                var e = assertThrows(InvalidPayloadException.class, () -> feed(s, payload, size));
                assertTrue(e.getMessage().contains("non-finite value " + bad + " at element 12345"), e.getMessage());
                for (int i = 0; i < acc.length; i++) {
                    assertTrue(Float.isFinite(acc[i]), "element " + i + " holds " + acc[i] + ", chunks of " + size);
                }
                assertTrue(s.added() <= 12_345, "added " + s.added() + " elements, the bad one among them");
            }
        }
    }

    /** A payload cut short or running long is invalid (the sender's fault), not a failed transfer. */
    @Test
    void truncatedOrOverlongPayloadsAreInvalid() {
        ByteBuffer payload = TensorCodec.encode(DType.F32, new float[] {1, 2, 3});
        PayloadSummer shortOne = new PayloadSummer(FloatAdder.into(new float[3]));
        shortOne.accept(payload.duplicate().limit(payload.limit() - 2));
        assertThrows(InvalidPayloadException.class, shortOne::finish);
        ByteBuffer longer = ByteBuffer.allocate(payload.remaining() + 4).put(payload.duplicate()).putFloat(9).flip();
        PayloadSummer longOne = new PayloadSummer(FloatAdder.into(new float[3]));
        assertThrows(InvalidPayloadException.class, () -> longOne.accept(longer));
    }

    /** A {@link PartsWriter} rebuilds the arrays, empty parts included, whatever the chunk boundaries. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void decodesIntoOneArrayPerPart(DType dtype) {
        float[][] parts = {{}, {1.5f, -2, 3}, {}, {4, 5, 6, 7, -0f}, {8}, {}};
        ByteBuffer payload = TensorCodec.encode(dtype, parts);
        float[][] expected = TensorCodec.decode(payload.duplicate());
        for (int size = 1; size <= payload.remaining(); size++) {
            PartsWriter[] into = new PartsWriter[1];
            PayloadSummer s = new PayloadSummer(h -> into[0] = new PartsWriter(h));
            feed(s, payload, size);
            s.finish();
            assertEquals(expected.length, into[0].parts().length);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], into[0].parts()[i], "part " + i + ", chunks of " + size);
            }
        }
    }

    /** Several streams into one accumulator at once, with stripes small enough to make them meet. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void concurrentStreamsShareAStripedAccumulator(DType dtype) throws Exception {
        int n = 100_003;
        int streams = 6;
        float[] acc = new float[n];
        StripedFloatAdder adder = new StripedFloatAdder(acc, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 1; k <= streams; k++) {
                float[] part = new float[n];
                java.util.Arrays.fill(part, k);
                ByteBuffer payload = TensorCodec.encode(dtype, part);
                done.add(pool.submit(() -> {
                    PayloadSummer s = new PayloadSummer(adder);
                    feed(s, payload, 4099);
                    s.finish();
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        float expected = streams * (streams + 1) / 2f; // small integers: exact in any order
        for (int i = 0; i < n; i++) assertEquals(expected, acc[i], "element " + i);
    }
}
