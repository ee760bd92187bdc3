package org.elasticscrl.config;

import java.util.List;
import java.util.Locale;

/** Range checks for the compact constructors of the config records; each names its YAML key. */
final class Check {
    private Check() {}

    static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw ConfigException.invalid(key, value, "an integer >= " + min);
        }
        return value;
    }

    static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw ConfigException.invalid(key, value, "an integer >= " + min);
        }
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw ConfigException.invalid(key, value, "a finite number > 0");
        }
        return value;
    }

    static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw ConfigException.invalid(key, value, "a finite number >= 0");
        }
        return value;
    }

    /** {@code lo <= value < hi} (or {@code <= hi} when {@code hiInclusive}). */
    static double inRange(String key, double value, double lo, double hi, boolean hiInclusive) {
        boolean ok = value >= lo && (hiInclusive ? value <= hi : value < hi);
        if (!ok) {
            throw ConfigException.invalid(
                    key, value, "a number in [" + lo + ", " + hi + (hiInclusive ? "]" : ")"));
        }
        return value;
    }

    static String oneOf(String key, String value, List<String> allowed) {
        String v = value == null ? null : value.toLowerCase(Locale.ROOT);
        if (v == null || !allowed.contains(v)) {
            throw ConfigException.invalid(key, value, "one of " + allowed);
        }
        return v;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new ConfigException(message);
        }
    }
}
