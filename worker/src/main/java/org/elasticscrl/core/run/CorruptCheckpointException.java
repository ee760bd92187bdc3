package org.elasticscrl.core.run;

/** A checkpoint that fails its integrity check or does not fit the model: never loaded. */
public final class CorruptCheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
