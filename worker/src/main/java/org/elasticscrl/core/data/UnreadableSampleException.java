package org.elasticscrl.core.data;

/** An item that cannot be decoded (corrupt, truncated, unreadable): skipped and counted. */
public final class UnreadableSampleException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public UnreadableSampleException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
    }

    /** The file (or record) that failed. */
    public String source() {
        return source;
    }
}
