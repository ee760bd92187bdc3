package org.elasticscrl.protocol;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A node's tensor transport, as the actors see it: publish arrays for peers to fetch (the
 * returned {@link BlobRef} goes into a message), fetch a peer's payload, decode it, forget what is
 * no longer needed. Payloads stream over their own TCP connections, never through Artery.
 */
public interface Tensors extends AutoCloseable {
    /** Encodes {@code parts} into one payload served by this node until {@link #forget}. */
    BlobRef publish(float[]... parts);

    /** Streams a payload from the node that published it. */
    CompletableFuture<ByteBuffer> fetch(BlobRef ref);

    /** The arrays of a fetched payload. */
    float[][] decode(ByteBuffer payload);

    void forget(BlobRef ref);

    /** Encoding of published payloads: {@code f32} (exact) or {@code bf16} (half the bytes). */
    void useDtype(String dtype);

    @Override
    void close();
}
