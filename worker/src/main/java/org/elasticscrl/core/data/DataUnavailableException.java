package org.elasticscrl.core.data;

/**
 * The data cannot be used at all (missing root, no images, wrong layout). The message says what
 * is missing and what to install or set.
 */
public final class DataUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
