package org.elasticscrl.protocol.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TensorCodecTest {
    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 6)));
        return a;
    }

    static final float[] SPECIALS = {Float.NaN, Float.intBitsToFloat(0x7F80_0001), Float.intBitsToFloat(0xFFC1_2345),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_NORMAL, 1.0f, -1.0f};

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("no parts", new float[][] {}),
                Arguments.of("one empty part", new float[][] {{}}),
                Arguments.of("empty between parts", new float[][] {random(3, 1), {}, random(5, 2)}),
                Arguments.of("one element", new float[][] {{42.5f}}),
                Arguments.of("odd sizes", new float[][] {random(7, 3), random(8191, 4), random(8193, 5)}),
                Arguments.of("gradient + BN stats", new float[][] {random(100_003, 6), random(257, 7), random(257, 8)}),
                Arguments.of("specials", new float[][] {SPECIALS}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void f32RoundTripsBitExactly(String name, float[][] parts) {
        ByteBuffer payload = TensorCodec.encode(DType.F32, parts);
        assertEquals(TensorHeader.bytesFor(parts.length) + 4L * total(parts), payload.remaining());
        float[][] back = TensorCodec.decode(payload);
        assertEquals(0, payload.position(), "decode must not move the buffer");
        assertEquals(parts.length, back.length);
        for (int p = 0; p < parts.length; p++) {
            assertEquals(parts[p].length, back[p].length);
            for (int i = 0; i < parts[p].length; i++) {
                assertEquals(Float.floatToRawIntBits(parts[p][i]), Float.floatToRawIntBits(back[p][i]), name + " " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void bf16RoundTripsToTheRoundedValues(String name, float[][] parts) {
        ByteBuffer payload = TensorCodec.encode(DType.BF16, parts);
        assertEquals(TensorHeader.bytesFor(parts.length) + 2L * total(parts), payload.remaining());
        float[][] back = TensorCodec.decode(payload);
        for (int p = 0; p < parts.length; p++) {
            for (int i = 0; i < parts[p].length; i++) {
                float expected = TensorCodec.fromBf16(TensorCodec.toBf16(parts[p][i]));
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(back[p][i]));
                float x = parts[p][i];
                if (Float.isFinite(x) && Math.abs(x) >= Float.MIN_NORMAL && Math.abs(x) < 3e38f) {
                    assertTrue(Math.abs(back[p][i] - x) <= Math.abs(x) / 256, x + " -> " + back[p][i]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void encodesIntoAnUnalignedHeapBufferAtItsPosition(DType dtype) {
        float[] a = random(1001, 9);
        float[] b = {1, 2, 3};
        ByteBuffer heap = ByteBuffer.allocate(5 + (int) TensorCodec.encodedBytes(dtype, a, b) + 3).order(ByteOrder.BIG_ENDIAN);
        heap.position(5);
        TensorCodec.encode(dtype, heap, a, b);
        assertEquals(heap.capacity() - 3, heap.position());
        assertEquals(ByteOrder.BIG_ENDIAN, heap.order(), "the caller's byte order is left alone");
        ByteBuffer view = heap.flip().position(5);
        float[] a2 = new float[a.length];
        float[] b2 = new float[3];
        TensorCodec.decodeInto(view, a2, b2);
        if (dtype == DType.F32) assertArrayEquals(a, a2);
        assertArrayEquals(b, b2);
        assertThrows(IllegalArgumentException.class, () -> TensorCodec.encode(dtype, ByteBuffer.allocate(20), a));
    }

    /** The coordinator publishes a mean straight from its sum: the same bytes as scaling copies, then encoding. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void encodeScaledEqualsEncodingScaledCopies(DType dtype) {
        SplittableRandom r = new SplittableRandom(7);
        int[] lengths = {20_000, 0, 9_001, 3};
        float[] flat = new float[20_000 + 9_001 + 3];
        for (int i = 0; i < flat.length; i++) flat[i] = (float) (r.nextDouble() * 2e4 - 1e4);
        flat[5] = Float.NaN;
        flat[6] = Float.NEGATIVE_INFINITY;
        float scale = 1f / 96;
        float[][] parts = new float[lengths.length][];
        for (int p = 0, at = 0; p < lengths.length; at += lengths[p++]) {
            parts[p] = new float[lengths[p]];
            for (int i = 0; i < lengths[p]; i++) parts[p][i] = flat[at + i] * scale;
        }
        assertEquals(TensorCodec.encode(dtype, parts), TensorCodec.encodeScaled(dtype, scale, flat, lengths));
        var e = assertThrows(IllegalArgumentException.class, () -> TensorCodec.encodeScaled(dtype, 1, flat, 5, 5));
        assertTrue(e.getMessage().contains("hold 10 values, the array 29004"), e.getMessage());
    }

    @Test
    void bf16KnownValues() {
        assertEquals((short) 0x3F80, TensorCodec.toBf16(1.0f));
        assertEquals((short) 0x4049, TensorCodec.toBf16((float) Math.PI)); // 0x40490FDB: rounds down
        assertEquals((short) 0xC049, TensorCodec.toBf16((float) -Math.PI));
        assertEquals((short) 0x3EAB, TensorCodec.toBf16(1f / 3)); // 0x3EAAAAAB: rounds up
        assertEquals((short) 0x3F80, bf16(0x3F80_8000), "tie, even below: down");
        assertEquals((short) 0x3F82, bf16(0x3F81_8000), "tie, odd below: up to even");
        assertEquals((short) 0x3F81, bf16(0x3F80_8001), "just above the tie: up");
        assertEquals((short) 0x3F80, bf16(0x3F80_7FFF), "just below the tie: down");
        assertEquals((short) 0x0000, bf16(0x0000_8000), "subnormal tie to even zero");
        assertEquals((short) 0x0002, bf16(0x0001_8000));
        assertEquals((short) 0x8000, TensorCodec.toBf16(-0.0f));
        assertEquals((short) 0x7F80, TensorCodec.toBf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, TensorCodec.toBf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, TensorCodec.toBf16(Float.MAX_VALUE), "past bf16's largest: infinity");
        assertEquals((short) 0x7F7F, bf16(0x7F7F_7FFF), "bf16's largest finite");
        assertEquals(3.140625f, TensorCodec.fromBf16(TensorCodec.toBf16((float) Math.PI)));
    }

    @Test
    void bf16KeepsEveryNaNANaN() {
        for (int bits : new int[] {0x7FC0_0000, 0x7F80_0001, 0x7F80_FFFF, 0xFF80_0001, 0x7FFF_FFFF}) {
            short h = bf16(bits);
            assertTrue(Float.isNaN(TensorCodec.fromBf16(h)), Integer.toHexString(bits) + " -> " + Integer.toHexString(h));
            assertEquals(bits < 0, h < 0, "sign kept");
        }
    }

    /** Against a slow reference: the nearer of the two bf16 neighbours, ties to the even one. */
    @Test
    void bf16MatchesRoundToNearestEvenOnRandomBitPatterns() {
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 1_000_000; k++) {
            int bits = k < 1000 ? (r.nextInt() & 0xFFFF_0000) | 0x8000 : r.nextInt(); // ties first
            float x = Float.intBitsToFloat(bits);
            if (Float.isNaN(x)) continue;
            int down = bits & 0xFFFF_0000;
            int up = down + 0x1_0000;
            double dDown = Math.abs(unbounded(down) - x);
            double dUp = Math.abs(unbounded(up) - x);
            int expected = dDown < dUp ? down : dUp < dDown ? up : ((down >>> 16) & 1) == 0 ? down : up;
            if (Float.isInfinite(x)) expected = bits;
            assertEquals(expected >>> 16, TensorCodec.toBf16(x) & 0xFFFF, Integer.toHexString(bits));
        }
    }

    @Test
    void addToSumsPartsBackToBack() {
        float[] g = {1, 2, 3};
        float[] bn = {10, 20};
        float[] acc = {100, 100, 100, 100, 100};
        TensorCodec.addTo(TensorCodec.encode(DType.F32, g, bn), acc);
        TensorCodec.addTo(TensorCodec.encode(DType.BF16, g, bn), acc);
        assertArrayEquals(new float[] {102, 104, 106, 120, 140}, acc);
        var e = assertThrows(IllegalArgumentException.class,
                () -> TensorCodec.addTo(TensorCodec.encode(DType.F32, g), new float[4]));
        assertTrue(e.getMessage().contains("has 3 elements") && e.getMessage().contains("the accumulator 4"),
                e.getMessage());
    }

    @Test
    void decodeIntoChecksTheArrays() {
        ByteBuffer p = TensorCodec.encode(DType.F32, new float[2], new float[3]);
        var e = assertThrows(IllegalArgumentException.class, () -> TensorCodec.decodeInto(p, new float[2]));
        assertEquals("payload has 2 parts, 1 arrays given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorCodec.decodeInto(p, new float[2], new float[4]));
        assertEquals("part 1 has 3 elements, its array 4", e.getMessage());
    }

    // ---- malformed payloads: each names what is wrong ----

    private static ByteBuffer valid() {
        return TensorCodec.encode(DType.F32, new float[] {1, 2, 3}, new float[] {4});
    }

    private static void rejects(Consumer<ByteBuffer> corrupt, String expected) {
        ByteBuffer heap = ByteBuffer.allocate(valid().remaining()).order(ByteOrder.LITTLE_ENDIAN).put(valid()).flip();
        corrupt.accept(heap);
        var e = assertThrows(IllegalArgumentException.class, () -> TensorCodec.decode(heap));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void malformedHeadersAreRejectedSayingWhy() {
        rejects(b -> b.putInt(0, 0x12345678), "not a tensor payload: magic 0x12345678");
        rejects(b -> b.put(4, (byte) 2), "format version 2, this node reads 1");
        rejects(b -> b.put(5, (byte) 7), "unknown tensor dtype code 7");
        rejects(b -> b.putShort(6, (short) 1), "reserved bytes are 1");
        rejects(b -> b.putInt(8, -1), "declares -1 parts");
        rejects(b -> b.putInt(8, TensorHeader.MAX_PARTS + 1), "declares 65537 parts");
        rejects(b -> b.putInt(8, 1000), "tensor header truncated: 1000 part lengths need 4012 bytes");
        rejects(b -> b.putInt(12, -3), "part 0 has length -3");
        rejects(b -> b.putInt(12, Integer.MAX_VALUE).putInt(16, Integer.MAX_VALUE), "elements in all parts");
        rejects(b -> b.putInt(12, 4), "tensor payload truncated");
        rejects(b -> b.putInt(12, 2), "tensor payload has trailing bytes");
        rejects(b -> b.limit(b.limit() - 1), "tensor payload truncated");
        rejects(b -> b.limit(7), "tensor header truncated: 7 bytes, need at least 12");
        rejects(b -> b.limit(0), "tensor header truncated: 0 bytes");
    }

    /** The float with these bits, except that the exponent's overflow reads as 2^128, not infinity. */
    private static double unbounded(int bits) {
        return (bits & 0x7FFF_FFFF) == 0x7F80_0000 ? (bits < 0 ? -1 : 1) * Math.scalb(1.0, 128) : Float.intBitsToFloat(bits);
    }

    private static short bf16(int bits) {
        return TensorCodec.toBf16(Float.intBitsToFloat(bits));
    }

    private static long total(float[][] parts) {
        long n = 0;
        for (float[] p : parts) n += p.length;
        return n;
    }
}
