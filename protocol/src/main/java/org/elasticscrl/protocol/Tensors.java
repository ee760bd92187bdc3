package org.elasticscrl.protocol;

import java.util.concurrent.CompletableFuture;
import org.elasticscrl.protocol.blob.ChunkConsumer;

/**
 * A node's tensor transport, as the actors see it: publish arrays for peers to fetch (the
 * returned {@link BlobRef} goes into a message), fetch a peer's payload, decode it, forget what is
 * no longer needed. Payloads stream over their own TCP connections, never through Artery.
 */
public interface Tensors extends AutoCloseable {
    /** Encodes {@code parts} into one payload served by this node until {@link #forget}. */
    BlobRef publish(float[]... parts);

    /**
     * As {@link #publish}, in f32 whatever the wire encoding: for what must arrive bit for bit — a replica's state for
     * a joiner, which in bf16 would leave it rounded and every replica no longer identical (I1). A transport that
     * encodes lossily overrides this.
     */
    default BlobRef publishExact(float[]... parts) {
        return publish(parts);
    }

    /**
     * Publishes {@code flat · scale} cut into parts of {@code lengths} — a mean from its sum — encoded in
     * one pass (no scaled copy on the way); the payload equals {@code publish} of the scaled parts.
     */
    BlobRef publishScaled(float scale, float[] flat, int... lengths);

    /**
     * Fetches a payload's arrays, decoding them while the bytes arrive (no buffer holds the whole payload);
     * completes with the failure if the transfer fails or the payload is malformed.
     */
    CompletableFuture<float[][]> fetchArrays(BlobRef ref);

    /**
     * Streams a payload through {@code consumer} in bounded chunks as it arrives (summing it on the way);
     * completes with the bytes delivered, or with the failure — a consumer's exception included.
     */
    CompletableFuture<Long> stream(BlobRef ref, ChunkConsumer consumer);

    void forget(BlobRef ref);

    /** Whether this node serves {@code ref} itself (so fetching it reads it in place, moving no byte on the link). */
    default boolean serves(BlobRef ref) {
        return false;
    }

    /** Encoding of published payloads: {@code f32} (exact) or {@code bf16} (half the bytes). */
    void useDtype(String dtype);

    /** Bytes this node's transport has written so far (requests, answers, payloads); 0 where nothing is counted. */
    default long bytesSent() {
        return 0;
    }

    /** Bytes this node's transport has read so far. */
    default long bytesReceived() {
        return 0;
    }

    /** Nanoseconds this node's link was busy sending so far; 0 where nothing is measured. */
    default long sendingNanos() {
        return 0;
    }

    /** Nanoseconds this node's link was busy receiving so far. */
    default long receivingNanos() {
        return 0;
    }

    @Override
    void close();
}
