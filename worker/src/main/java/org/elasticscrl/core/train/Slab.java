package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.core.nn.TorchModule.Named;

/**
 * Many tensors living in one flat float32 buffer: each tensor (parameter, buffer) is a reshaped
 * view of its slice. Whole-state operations — the momentum update, the EMA, running statistics,
 * snapshots, checksums, gradient exchange — are then a handful of native calls on the flat
 * buffer instead of one per tensor.
 */
public final class Slab {
    /** One tensor of the slab: its name, shape and place, and its 1-D view. */
    public record Entry(String name, Shape shape, long offset, long size, Named tensor, NDArray flatView) {}

    private final NDManager manager;
    private final NDArray flat;
    private final List<Entry> entries;
    private final long size;

    private Slab(NDManager manager, NDArray flat, List<Entry> entries, long size) {
        this.manager = manager;
        this.flat = flat;
        this.entries = List.copyOf(entries);
        this.size = size;
    }

    /**
     * Allocates a zeroed slab for {@code tensors} (named with {@code prefix}); when {@code bind}
     * is set, each DJL parameter's array becomes its view.
     */
    public static Slab allocate(NDManager manager, String prefix, List<Named> tensors, boolean bind) {
        long total = 0;
        for (Named t : tensors) {
            total += t.size();
        }
        NDArray flat = manager.zeros(new Shape(total));
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Named t : tensors) {
            NDArray view = flat.get(new NDIndex(offset + ":" + (offset + t.size())));
            if (bind) {
                t.parameter().setArray(view.reshape(t.shape()));
            }
            entries.add(new Entry(prefix + t.name(), t.shape(), offset, t.size(), t, view));
            offset += t.size();
        }
        return new Slab(manager, flat, entries, total);
    }

    public NDArray flat() {
        return flat;
    }

    public List<Entry> entries() {
        return entries;
    }

    public long size() {
        return size;
    }

    /** The first {@code n} elements as a view. */
    public NDArray prefix(long n) {
        return flat.get(new NDIndex("0:" + n));
    }

    public float[] toFloatArray() {
        return flat.toFloatArray();
    }

    /** Little-endian bytes of the whole slab (a copy). */
    public ByteBuffer toByteBuffer() {
        return flat.toByteBuffer();
    }

    /** Overwrites the slab in place (views stay valid). */
    public void load(float[] values) {
        if (values.length != size) {
            throw new IllegalArgumentException("slab holds " + size + " values, got " + values.length);
        }
        try (NDManager scope = manager.newSubManager()) {
            flat.set(new NDIndex(":"), scope.create(values));
        }
    }

    /** Overwrites the slab in place from another array of the same length. */
    public void load(NDArray values) {
        flat.set(new NDIndex(":"), values);
    }
}
