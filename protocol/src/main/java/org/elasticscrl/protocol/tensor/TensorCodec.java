package org.elasticscrl.protocol.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Several float arrays (a gradient sum, BatchNorm statistics, …) as one little-endian payload: a
 * {@link TensorHeader} then the elements, F32 or BF16. Writes straight into and reads straight from
 * {@link ByteBuffer}s (heap or direct) through bulk views, so a direct buffer costs one memcpy-like
 * pass per direction. Decoders never trust the header: lengths are checked against the bytes.
 * To sum payloads as they stream in, see {@link PayloadSummer}.
 */
public final class TensorCodec {
    private TensorCodec() {}

    /** Element type on the wire. */
    public enum DType {
        F32(0, 4),
        /** bfloat16: a float's top 16 bits, rounded to nearest even. Half the bytes, ~3 significant digits. */
        BF16(1, 2);

        private final int code;
        private final int bytes;

        DType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        public int code() {
            return code;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        static DType ofCode(int code) {
            for (DType t : values()) if (t.code == code) return t;
            throw new IllegalArgumentException("unknown tensor dtype code " + code + " (0 = F32, 1 = BF16)");
        }
    }

    /** Floats converted per pass through a scratch array: small enough for L1/L2, big enough to amortise. */
    static final int SCRATCH = 8192;

    /** Header for these arrays. */
    public static TensorHeader header(DType dtype, float[]... parts) {
        int[] lengths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) lengths[i] = parts[i].length;
        return new TensorHeader(dtype, lengths);
    }

    /** Bytes {@link #encode(DType, ByteBuffer, float[]...)} writes for these arrays. */
    public static long encodedBytes(DType dtype, float[]... parts) {
        return header(dtype, parts).totalBytes();
    }

    /** Encodes into a new direct buffer, positioned at 0 with the payload up to its limit. */
    public static ByteBuffer encode(DType dtype, float[]... parts) {
        long bytes = encodedBytes(dtype, parts);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("payload of " + bytes + " bytes does not fit one ByteBuffer");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) bytes);
        encode(dtype, out, parts);
        return out.flip();
    }

    /** Encodes at {@code out}'s position, advancing it; {@code out} needs {@link #encodedBytes} remaining. */
    public static void encode(DType dtype, ByteBuffer out, float[]... parts) {
        TensorHeader h = header(dtype, parts);
        if (out.remaining() < h.totalBytes()) {
            throw new IllegalArgumentException("payload needs " + h.totalBytes() + " bytes, buffer has "
                    + out.remaining());
        }
        h.write(out);
        ByteBuffer body = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F32) {
            FloatBuffer f = body.asFloatBuffer();
            for (float[] p : parts) f.put(p);
        } else {
            ShortBuffer s = body.asShortBuffer();
            short[] scratch = new short[SCRATCH];
            for (float[] p : parts) {
                for (int from = 0; from < p.length; from += SCRATCH) {
                    int n = Math.min(SCRATCH, p.length - from);
                    for (int i = 0; i < n; i++) scratch[i] = toBf16(p[from + i]);
                    s.put(scratch, 0, n);
                }
            }
        }
        out.position(out.position() + (int) h.payloadBytes());
    }

    /**
     * Encodes {@code flat · scale} cut into parts of {@code lengths}, into a new direct buffer: the same
     * payload (bit for bit) as scaling copies of the parts and encoding those, in one pass instead of three.
     */
    public static ByteBuffer encodeScaled(DType dtype, float scale, float[] flat, int... lengths) {
        TensorHeader h = new TensorHeader(dtype, lengths);
        if (h.elements() != flat.length) {
            throw new IllegalArgumentException("parts of " + java.util.Arrays.toString(lengths) + " hold "
                    + h.elements() + " values, the array " + flat.length);
        }
        if (h.totalBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("payload of " + h.totalBytes() + " bytes does not fit one ByteBuffer");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) h.totalBytes());
        h.write(out);
        ByteBuffer body = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = dtype == DType.F32 ? body.asFloatBuffer() : null;
        ShortBuffer s = dtype == DType.F32 ? null : body.asShortBuffer();
        float[] scaled = new float[SCRATCH];
        short[] halves = new short[SCRATCH];
        for (int from = 0; from < flat.length; from += SCRATCH) {
            int n = Math.min(SCRATCH, flat.length - from);
            for (int i = 0; i < n; i++) scaled[i] = flat[from + i] * scale;
            if (f != null) {
                f.put(scaled, 0, n);
            } else {
                for (int i = 0; i < n; i++) halves[i] = toBf16(scaled[i]);
                s.put(halves, 0, n);
            }
        }
        return out.position(out.position() + (int) h.payloadBytes()).flip();
    }

    /**
     * Validates the payload between {@code in}'s position and limit and returns its header; {@code in}
     * is not moved.
     *
     * @throws IllegalArgumentException if the header is malformed or the bytes are not exactly what it declares
     */
    public static TensorHeader validate(ByteBuffer in) {
        ByteBuffer b = in.duplicate();
        TensorHeader h = TensorHeader.read(b);
        if (b.remaining() != h.payloadBytes()) {
            throw new IllegalArgumentException((b.remaining() < h.payloadBytes() ? "tensor payload truncated: "
                    : "tensor payload has trailing bytes: ") + h + " needs " + h.payloadBytes()
                    + " bytes of elements, got " + b.remaining());
        }
        return h;
    }

    /** Decodes the payload between {@code in}'s position and limit into new arrays; {@code in} is not moved. */
    public static float[][] decode(ByteBuffer in) {
        TensorHeader h = validate(in);
        float[][] out = new float[h.parts()][];
        for (int i = 0; i < out.length; i++) out[i] = new float[h.length(i)];
        decodeInto(in, out);
        return out;
    }

    /** Decodes into existing arrays whose lengths must match the parts; {@code in} is not moved. */
    public static void decodeInto(ByteBuffer in, float[]... out) {
        TensorHeader h = validate(in);
        if (out.length != h.parts()) {
            throw new IllegalArgumentException("payload has " + h.parts() + " parts, " + out.length + " arrays given");
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i].length != h.length(i)) {
                throw new IllegalArgumentException("part " + i + " has " + h.length(i) + " elements, its array "
                        + out[i].length);
            }
        }
        ByteBuffer body = in.duplicate().position(in.position() + h.headerBytes()).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        if (h.dtype() == DType.F32) {
            FloatBuffer f = body.asFloatBuffer();
            for (float[] p : out) f.get(p);
        } else {
            ShortBuffer s = body.asShortBuffer();
            short[] scratch = new short[SCRATCH];
            for (float[] p : out) {
                for (int from = 0; from < p.length; from += SCRATCH) {
                    int n = Math.min(SCRATCH, p.length - from);
                    s.get(scratch, 0, n);
                    for (int i = 0; i < n; i++) p[from + i] = fromBf16(scratch[i]);
                }
            }
        }
    }

    /**
     * Adds every element of the payload, parts back to back, into {@code acc} (whose length must be the
     * payload's element count) without materialising the decoded arrays; {@code in} is not moved.
     */
    public static void addTo(ByteBuffer in, float[] acc) {
        validate(in);
        PayloadSummer summer = new PayloadSummer(FloatAdder.into(acc));
        summer.accept(in.duplicate());
        summer.finish();
    }

    /** A float rounded to bfloat16 (round to nearest, ties to even); NaN stays NaN (quiet, sign kept). */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            // NaN: truncating could leave an all-zero mantissa (= infinity); force the quiet bit instead.
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases to the even neighbour; a carry
        // out of the mantissa correctly bumps the exponent (up to infinity for the largest floats).
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** A bfloat16 as float (exact). */
    public static float fromBf16(short h) {
        return Float.intBitsToFloat(h << 16);
    }
}
