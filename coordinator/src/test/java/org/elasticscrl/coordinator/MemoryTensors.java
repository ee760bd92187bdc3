package org.elasticscrl.coordinator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.blob.ChunkConsumer;
import org.elasticscrl.protocol.tensor.TensorCodec;

/**
 * {@link Tensors} in memory, shared by the coordinator and the fake workers of a test: payloads are
 * real {@link TensorCodec} encodings, so the coordinator validates and sums them as in production.
 * With {@link #holdFetches} fetches stay pending until the test completes them, to order a
 * payload's arrival against other events. Streams are fed in 5-byte chunks (splitting the header and
 * every element), and can be told to break off part-way ({@link #breakAfter}).
 */
final class MemoryTensors implements Tensors {
    private final Map<Long, ByteBuffer> store = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Gates of the fetches held back, in the order they were asked for: complete one to deliver. */
    final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    volatile boolean holdFetches;
    /** Payloads whose next stream breaks off after this many bytes (once). */
    final Map<Long, Integer> breakAfter = new ConcurrentHashMap<>();
    /** Streams asked for, by payload id. */
    final Map<Long, Integer> streams = new ConcurrentHashMap<>();

    @Override
    public BlobRef publish(float[]... parts) {
        return put(TensorCodec.encode(TensorCodec.DType.F32, parts));
    }

    private BlobRef put(ByteBuffer payload) {
        long id = ids.incrementAndGet();
        store.put(id, payload);
        return new BlobRef("memory", 0, id, payload.remaining());
    }

    @Override
    public BlobRef publishScaled(float scale, float[] flat, int... lengths) {
        return put(TensorCodec.encodeScaled(TensorCodec.DType.F32, scale, flat, lengths));
    }

    /** The payload, at once or (held) when the test completes its gate. */
    private CompletableFuture<ByteBuffer> fetch(BlobRef ref) {
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

    @Override
    public CompletableFuture<float[][]> fetchArrays(BlobRef ref) {
        return fetch(ref).thenApply(this::decode);
    }

    @Override
    public CompletableFuture<Long> stream(BlobRef ref, ChunkConsumer consumer) {
        streams.merge(ref.id(), 1, Integer::sum);
        Integer stop = breakAfter.remove(ref.id());
        return fetch(ref).thenApply(payload -> {
            long sent = 0;
            while (payload.hasRemaining()) {
                if (stop != null && sent >= stop) {
                    throw new CompletionException(new IOException("connection lost after " + sent + " bytes"));
                }
                int n = (int) Math.min(Math.min(5, payload.remaining()), stop == null ? 5 : stop - sent);
                ByteBuffer chunk = payload.slice(payload.position(), n);
                payload.position(payload.position() + n);
                try {
                    consumer.accept(chunk);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
                sent += n;
            }
            return sent;
        });
    }

    /** The payload published under {@code ref}, decoded (what a worker would apply). */
    float[][] read(BlobRef ref) {
        return decode(store.get(ref.id()));
    }

    private float[][] decode(ByteBuffer payload) {
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
