package org.elasticscrl.coordinator;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.tensor.TensorCodec;

/**
 * {@link Tensors} in memory, shared by the coordinator and the fake workers of a test: payloads are
 * real {@link TensorCodec} encodings, so the coordinator validates and sums them as in production.
 * With {@link #holdFetches} fetches stay pending until the test completes them, to order a
 * payload's arrival against other events.
 */
final class MemoryTensors implements Tensors {
    private final Map<Long, ByteBuffer> store = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Gates of the fetches held back, in the order they were asked for: complete one to deliver. */
    final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    volatile boolean holdFetches;

    @Override
    public BlobRef publish(float[]... parts) {
        ByteBuffer payload = TensorCodec.encode(TensorCodec.DType.F32, parts);
        long id = ids.incrementAndGet();
        store.put(id, payload);
        return new BlobRef("memory", 0, id, payload.remaining());
    }

    @Override
    public CompletableFuture<ByteBuffer> fetch(BlobRef ref) {
        ByteBuffer payload = store.get(ref.id());
        if (payload == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no payload " + ref.id()));
        }
        if (holdFetches) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.add(gate);
            return gate.thenApply(v -> payload.duplicate());
        }
        return CompletableFuture.completedFuture(payload.duplicate());
    }

    /** The payload published under {@code ref}, decoded (what a worker would apply). */
    float[][] read(BlobRef ref) {
        return decode(store.get(ref.id()));
    }

    @Override
    public float[][] decode(ByteBuffer payload) {
        return TensorCodec.decode(payload.duplicate());
    }

    @Override
    public void forget(BlobRef ref) {
        store.remove(ref.id());
    }

    @Override
    public void useDtype(String dtype) {
        // always f32: the tests compare exact sums
    }

    @Override
    public void close() {
        store.clear();
    }
}
