package org.elasticscrl.protocol.blob;

import java.io.IOException;
import org.elasticscrl.protocol.BlobRef;

/** A blob could not be fetched; {@link #reason()} tells the caller what to do about it. */
public final class BlobFetchException extends IOException {
    public enum Reason {
        /** The peer answered that it has no such blob (removed, expired, or the node restarted). */
        NOT_FOUND,
        /** No connection could be made: the node is down, or the address is wrong. */
        UNREACHABLE,
        /** The peer stopped sending for longer than the read timeout. */
        TIMEOUT,
        /** The connection broke mid-request (the peer closed or crashed). */
        CONNECTION_LOST,
        /** The peer answered something other than the blob the ref describes. */
        PROTOCOL,
        /** The bytes received are not those whose SHA-256 the ref announces. */
        INTEGRITY,
        /** The client was closed or the fetch cancelled. */
        CLOSED
    }

    private final Reason reason;
    private final transient BlobRef ref;

    public BlobFetchException(Reason reason, BlobRef ref, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.ref = ref;
    }

    public Reason reason() {
        return reason;
    }

    public BlobRef ref() {
        return ref;
    }
}
