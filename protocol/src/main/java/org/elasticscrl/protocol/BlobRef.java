package org.elasticscrl.protocol;

/**
 * Where a tensor payload can be fetched: a node's blob server and the payload's id. Tensors never
 * travel inside Artery messages; the message carries this reference and the receiver streams the
 * bytes over a separate TCP connection, so heartbeats and control messages are never stuck
 * behind a gradient.
 *
 * <p>{@code sha256}: the payload's SHA-256 (64 hex digits) as its server computed it, or empty when
 * it announces none. The reference travels in an authenticated message (a worker's session), so a
 * receiver that finds other bytes than these knows they were altered on the way or by the server,
 * and refuses them.
 */
public record BlobRef(String host, int port, long id, long bytes, String sha256) {
    public BlobRef {
        if (sha256 == null || !(sha256.isEmpty() || sha256.matches("[0-9a-f]{64}"))) {
            throw new IllegalArgumentException("a blob's SHA-256 is 64 lower-case hex digits or empty, not " + sha256);
        }
    }

    /** A payload whose server announces no digest. */
    public BlobRef(String host, int port, long id, long bytes) {
        this(host, port, id, bytes, "");
    }
}
