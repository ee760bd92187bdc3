package org.elasticscrl.protocol.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;

/**
 * Sums one tensor payload into an accumulator while it arrives, chunk by chunk, so a receiver never
 * holds a whole gradient: the header is parsed once enough bytes are in, then elements are converted
 * through a small scratch array and added, parts back to back. Chunks may split the header or an
 * element anywhere. Not thread-safe: one summer per stream (several streams may share a
 * {@link StripedFloatAdder}).
 *
 * <p>No payload of this project legitimately holds a NaN or an infinity (gradients, statistics, model
 * state): every block is checked before it is added, so one faulty sender cannot poison a sum. What the
 * payload gets wrong is an {@link InvalidPayloadException} (the sender's fault, unlike a broken transfer).
 */
public final class PayloadSummer {
    /** Picks (or refuses) the adder once the header is in. */
    private final Function<TensorHeader, FloatAdder> adderFor;
    private FloatAdder adder;
    private final float[] values = new float[TensorCodec.SCRATCH];
    private final short[] halves = new short[TensorCodec.SCRATCH];
    /** Header bytes gathered so far; grows from the fixed part to the full header. */
    private ByteBuffer headerBytes = ByteBuffer.allocate(TensorHeader.FIXED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private TensorHeader header;
    /** Bytes of an element split across chunks. */
    private final ByteBuffer carry = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    /** Elements added so far: volatile, so whoever learns that a transfer failed sees what it left behind. */
    private volatile int element;
    private long bytes;

    /** Adds into {@code adder}, whose {@link FloatAdder#size()} (if known) the payload must match. */
    public PayloadSummer(FloatAdder adder) {
        this(h -> {
            if (adder.size() >= 0 && h.elements() != adder.size()) {
                throw new InvalidPayloadException("tensor payload has " + h.elements() + " elements (" + h
                        + "), the accumulator " + adder.size());
            }
            return adder;
        });
    }

    /**
     * Adds into the adder {@code adderFor} gives for the payload's header, which it may refuse by throwing
     * an {@link IllegalArgumentException} (then nothing is added).
     */
    public PayloadSummer(Function<TensorHeader, FloatAdder> adderFor) {
        this.adderFor = adderFor;
    }

    /**
     * Consumes all of {@code chunk} (position to limit, moved to the limit).
     *
     * @throws IllegalArgumentException if the header is malformed, does not match the accumulator, or the
     *     bytes run past what it declares
     */
    public void accept(ByteBuffer chunk) {
        bytes += chunk.remaining();
        if (header == null && !readHeader(chunk)) return;
        int size = header.dtype().bytes();
        if (carry.position() > 0) {
            while (carry.hasRemaining() && chunk.hasRemaining()) carry.put(chunk.get());
            if (carry.hasRemaining()) return;
            carry.flip();
            values[0] = size == 4 ? carry.getFloat() : TensorCodec.fromBf16(carry.getShort());
            carry.clear().limit(size);
            checkRoom(1);
            add(values, 1);
        }
        ByteBuffer b = chunk.slice().order(ByteOrder.LITTLE_ENDIAN);
        int whole = b.remaining() / size;
        checkRoom(whole);
        if (size == 4) {
            var floats = b.asFloatBuffer();
            for (int done = 0; done < whole; ) {
                int n = Math.min(values.length, whole - done);
                floats.get(values, 0, n);
                add(values, n);
                done += n;
            }
        } else {
            var shorts = b.asShortBuffer();
            for (int done = 0; done < whole; ) {
                int n = Math.min(values.length, whole - done);
                shorts.get(halves, 0, n);
                for (int i = 0; i < n; i++) values[i] = TensorCodec.fromBf16(halves[i]);
                add(values, n);
                done += n;
            }
        }
        chunk.position(chunk.position() + whole * size);
        if (chunk.hasRemaining()) {
            checkRoom(1);
            carry.put(chunk);
        }
    }

    /** Adds the next {@code n} elements, once they are known to be finite. */
    private void add(float[] block, int n) {
        int bad = InvalidPayloadException.firstNonFinite(block, 0, n);
        if (bad >= 0) {
            throw new InvalidPayloadException("non-finite value " + block[bad] + " at element " + (element + bad)
                    + " of the payload (" + header + ")");
        }
        adder.add(element, block, n);
        element += n;
    }

    /** Whether the header and every element it declares have been added. */
    public boolean complete() {
        return header != null && element == header.elements() && carry.position() == 0;
    }

    /**
     * Checks the payload ended where its header says.
     *
     * @throws InvalidPayloadException naming how many bytes were missing
     */
    public void finish() {
        if (!complete()) {
            long expected = header == null ? -1 : header.totalBytes();
            throw new InvalidPayloadException("tensor payload truncated: got " + bytes + " bytes"
                    + (header == null ? ", not even a complete header" : " of " + expected + " (" + header + ")"));
        }
    }

    /** The header, once its bytes are in (else {@code null}). */
    public TensorHeader header() {
        return header;
    }

    /** Elements added so far: 0 means the accumulator is untouched. */
    public int added() {
        return element;
    }

    /** Bytes consumed so far. */
    public long bytes() {
        return bytes;
    }

    /** Gathers header bytes; true once the header is parsed and validated against the accumulator. */
    private boolean readHeader(ByteBuffer chunk) {
        copySome(chunk, headerBytes);
        if (headerBytes.hasRemaining()) return false;
        if (headerBytes.capacity() == TensorHeader.FIXED_BYTES) {
            checkFixed(headerBytes); // before sizing anything by the part count
            int parts = headerBytes.getInt(8);
            ByteBuffer full = ByteBuffer.allocate(TensorHeader.bytesFor(parts)).order(ByteOrder.LITTLE_ENDIAN);
            headerBytes = full.put(headerBytes.flip());
            copySome(chunk, headerBytes);
            if (headerBytes.hasRemaining()) return false;
        }
        TensorHeader h;
        try {
            h = TensorHeader.read(headerBytes.flip());
        } catch (IllegalArgumentException e) {
            throw new InvalidPayloadException(e.getMessage());
        }
        adder = adderFor.apply(h);
        header = h;
        carry.limit(header.dtype() == DType.F32 ? 4 : 2);
        return true;
    }

    private static void checkFixed(ByteBuffer fixed) {
        try {
            TensorHeader.checkFixed(fixed);
        } catch (IllegalArgumentException e) {
            throw new InvalidPayloadException(e.getMessage());
        }
    }

    private void checkRoom(int more) {
        if (header.elements() - element < more) {
            throw new InvalidPayloadException("tensor payload has trailing bytes: " + header + " ends after "
                    + header.totalBytes() + " bytes, got " + bytes + " so far");
        }
    }

    private static void copySome(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        to.put(to.position(), from, from.position(), n).position(to.position() + n);
        from.position(from.position() + n);
    }
}
