package org.elasticscrl.config;

/**
 * A configuration problem a user can fix: the message names the key, the offending value and
 * what would be accepted.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code key: 'value' is not valid; expected <expected>}. */
    public static ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(key + ": '" + value + "' is not valid; expected " + expected);
    }
}
