package org.elasticscrl.protocol.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;

/**
 * The header of a tensor payload, little-endian:
 *
 * <pre>
 * offset  size  field
 *  0      4     magic "SCRT"
 *  4      1     format version (1)
 *  5      1     dtype: 0 = F32, 1 = BF16
 *  6      2     reserved, 0
 *  8      4     part count n
 * 12      4·n   element count of each part
 * 12+4·n        the parts' elements back to back (4 or 2 bytes each)
 * </pre>
 *
 * The header is a multiple of 4 bytes, so F32 elements stay 4-byte aligned in an aligned buffer.
 */
public final class TensorHeader {
    /** "SCRT" read as a little-endian int. */
    public static final int MAGIC = 'S' | 'C' << 8 | 'R' << 16 | 'T' << 24;
    public static final int FORMAT_VERSION = 1;
    /** Bytes before the part lengths. */
    public static final int FIXED_BYTES = 12;
    /** Bounds what a corrupt count can make a reader allocate (a model has a few hundred tensors). */
    public static final int MAX_PARTS = 1 << 16;
    /** Elements of all parts together: they must fit one Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final DType dtype;
    private final int[] lengths;
    private final long elements;

    public TensorHeader(DType dtype, int... lengths) {
        if (dtype == null) throw new IllegalArgumentException("dtype is null");
        if (lengths.length > MAX_PARTS) {
            throw new IllegalArgumentException(lengths.length + " parts, at most " + MAX_PARTS);
        }
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) throw new IllegalArgumentException("part " + i + " has length " + lengths[i]);
            sum += lengths[i];
        }
        if (sum > MAX_ELEMENTS) {
            throw new IllegalArgumentException(sum + " elements in all parts, at most " + MAX_ELEMENTS);
        }
        this.dtype = dtype;
        this.lengths = lengths.clone();
        this.elements = sum;
    }

    /** Header bytes for {@code parts} parts. */
    public static int bytesFor(int parts) {
        return FIXED_BYTES + 4 * parts;
    }

    /**
     * Reads and validates a header at {@code in}'s position, advancing it past the header.
     *
     * @throws IllegalArgumentException naming what is wrong: magic, version, dtype, counts, or too few bytes
     */
    public static TensorHeader read(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < FIXED_BYTES) {
            throw new IllegalArgumentException("tensor header truncated: " + b.remaining() + " bytes, need at least "
                    + FIXED_BYTES);
        }
        DType dtype = checkFixed(b);
        int parts = b.getInt(8);
        if (b.remaining() < bytesFor(parts)) {
            throw new IllegalArgumentException("tensor header truncated: " + parts + " part lengths need "
                    + bytesFor(parts) + " bytes, got " + b.remaining());
        }
        int[] lengths = new int[parts];
        for (int i = 0; i < parts; i++) lengths[i] = b.getInt(FIXED_BYTES + 4 * i);
        TensorHeader h = new TensorHeader(dtype, lengths);
        in.position(in.position() + h.headerBytes());
        return h;
    }

    /**
     * Validates the first {@link #FIXED_BYTES} of a little-endian header at absolute offset 0 (magic,
     * version, dtype, reserved, part count) and returns its dtype; the part count is at offset 8.
     */
    static DType checkFixed(ByteBuffer b) {
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format(
                    "not a tensor payload: magic 0x%08x, expected 0x%08x (\"SCRT\")", magic, MAGIC));
        }
        int version = b.get(4) & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("tensor payload format version " + version + ", this node reads "
                    + FORMAT_VERSION);
        }
        DType dtype = DType.ofCode(b.get(5) & 0xFF);
        int reserved = b.getShort(6);
        if (reserved != 0) throw new IllegalArgumentException("tensor header reserved bytes are " + reserved);
        int parts = b.getInt(8);
        if (parts < 0 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("tensor payload declares " + parts + " parts, allowed 0.." + MAX_PARTS);
        }
        return dtype;
    }

    /** Writes this header at {@code out}'s position (any byte order), advancing it. */
    public void write(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) FORMAT_VERSION).put((byte) dtype.code()).putShort((short) 0).putInt(lengths.length);
        for (int len : lengths) b.putInt(len);
        out.position(out.position() + headerBytes());
    }

    public DType dtype() {
        return dtype;
    }

    public int parts() {
        return lengths.length;
    }

    public int length(int part) {
        return lengths[part];
    }

    public int[] lengths() {
        return lengths.clone();
    }

    /** Elements of all parts. */
    public int elements() {
        return (int) elements;
    }

    public int headerBytes() {
        return bytesFor(lengths.length);
    }

    public long payloadBytes() {
        return elements * dtype.bytes();
    }

    /** Header and elements: the size of the whole encoded payload. */
    public long totalBytes() {
        return headerBytes() + payloadBytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorHeader h && h.dtype == dtype && Arrays.equals(h.lengths, lengths);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "TensorHeader[" + dtype + ", " + lengths.length + " parts, " + elements + " elements]";
    }
}
