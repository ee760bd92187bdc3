package org.elasticscrl.protocol.blob;

import java.nio.ByteBuffer;

/**
 * Receives a blob as it arrives, in order, in chunks of at most the client's chunk size, on one of
 * the client's threads. The chunk is a read-only view of a reused buffer, valid only during the call:
 * consume it (move its position) or copy what you keep. An exception aborts the transfer and fails the
 * fetch with it.
 */
@FunctionalInterface
public interface ChunkConsumer {
    void accept(ByteBuffer chunk) throws Exception;
}
