package org.elasticscrl.protocol.tensor;

/**
 * Decodes a streamed payload straight into one new array per part: the receiving side of a fetch that
 * wants arrays, with no buffer holding the whole payload on the way. Used as a {@link PayloadSummer}'s
 * adder, which hands over every element exactly once, in order — so writing is the same as adding into
 * zeros, minus the read.
 */
public final class PartsWriter implements FloatAdder {
    private final float[][] parts;
    private final int size;
    /** The part being written and where it starts in the flat element order. */
    private int part;
    private int partStart;

    /** Arrays for {@code header}'s parts. */
    public PartsWriter(TensorHeader header) {
        this.parts = new float[header.parts()][];
        for (int i = 0; i < parts.length; i++) parts[i] = new float[header.length(i)];
        this.size = header.elements();
    }

    @Override
    public void add(int offset, float[] values, int count) {
        if (offset < 0 || count < 0 || offset > size - count) {
            throw new IndexOutOfBoundsException("writing " + count + " at " + offset + " into " + size);
        }
        if (offset < partStart) {
            throw new IllegalStateException("elements arrive in order: got " + offset + " after " + partStart);
        }
        for (int done = 0; done < count; ) {
            while (offset + done - partStart >= parts[part].length) {
                partStart += parts[part++].length; // also skips empty parts
            }
            int at = offset + done - partStart;
            int n = Math.min(count - done, parts[part].length - at);
            System.arraycopy(values, done, parts[part], at, n);
            done += n;
        }
    }

    @Override
    public int size() {
        return size;
    }

    /** The arrays (complete once the payload's summer has finished). */
    public float[][] parts() {
        return parts;
    }
}
