package org.elasticscrl.coordinator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operators' orders are accepted once and while fresh: each carries a nonce and its time under its
 * credential, so an order captured on the wire and sent again is refused — as a nonce seen before, or
 * as older than {@link #MAX_AGE_MILLIS} (when the nonce has been forgotten). Clocks of the operator's
 * machine and the coordinator's may differ by up to that much.
 */
public final class FreshQueries {
    public static final long MAX_AGE_MILLIS = 5 * 60_000;
    private static final int KEPT = 8192;
    private final Map<String, Long> seen = new LinkedHashMap<>();

    /** Why a query with this nonce and time is refused at {@code now}, or null (then it counts as seen). */
    public String refusal(String nonce, long unixMillis, long now) {
        if (Math.abs(now - unixMillis) > MAX_AGE_MILLIS) {
            return "it was sent " + (now - unixMillis) / 1000 + " s from now (at most " + MAX_AGE_MILLIS / 1000
                    + " s either way): a replayed order, or a clock far off";
        }
        seen.values().removeIf(t -> now - t > 2 * MAX_AGE_MILLIS);
        if (seen.containsKey(nonce)) {
            return "its nonce was used already: a replayed order";
        }
        seen.put(nonce, unixMillis);
        if (seen.size() > KEPT) {
            seen.remove(seen.keySet().iterator().next());
        }
        return null;
    }
}
