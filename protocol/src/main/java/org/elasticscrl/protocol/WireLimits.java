package org.elasticscrl.protocol;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Bounds on what a peer's message may hold, checked when it is read and before anything acts on it: ids
 * are short and printable, free texts bounded per field, repeated fields bounded in count. Protobuf
 * already refuses more bytes than the frame holds; these limits keep a member from growing the
 * coordinator's maps, logs and files with megabyte ids or millions of entries. A field not named here
 * gets {@link #TEXT} / {@link #COUNT}.
 */
public final class WireLimits {
    /** What a worker id may be (checked where it registers, so that it is told): letters, digits, {@code . _ - : @}. */
    public static final String ID_PATTERN = "[A-Za-z0-9._:@-]{1,128}";
    /** Ids in any message: at most this long, no control characters. */
    static final int ID = 128;
    static final int TEXT = 16 << 10;
    static final int COUNT = 1 << 16;
    private static final List<String> IDS = List.of("worker_id", "for_worker", "session");
    private static final Map<String, Integer> TEXTS = Map.of("config_yaml", 4 << 20, "result", 1 << 20,
            "run_state", 1 << 20, "json", 16 << 20, "worker", 4096, "reply_to", 4096, "path", 4096, "paths", 4096,
            "crashes", 1024, "run_id", 1024);
    private static final Map<String, Integer> COUNTS = Map.of("chunks", 1 << 20, "paths", 64, "crashes", 16);

    private WireLimits() {}

    /** Why {@code m} exceeds a limit (the first found), or null. Nested messages are checked too. */
    static String violation(Message m) {
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String name = f.getName();
            if (f.isRepeated()) {
                List<?> values = (List<?>) e.getValue();
                int max = COUNTS.getOrDefault(name, COUNT);
                if (values.size() > max) {
                    return name + " holds " + values.size() + " entries, at most " + max;
                }
                for (Object v : values) {
                    String why = value(name, v);
                    if (why != null) {
                        return why;
                    }
                }
            } else {
                String why = value(name, e.getValue());
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    private static String value(String name, Object v) {
        if (v instanceof Message nested) {
            return violation(nested);
        }
        if (!(v instanceof String s)) {
            return null;
        }
        if (IDS.contains(name)) {
            return s.length() <= ID && s.codePoints().noneMatch(Character::isISOControl) ? null
                    : name + " '" + shown(s) + "' is over " + ID + " characters or holds control characters";
        }
        int max = TEXTS.getOrDefault(name, TEXT);
        return s.length() > max ? name + " of " + s.length() + " characters, at most " + max : null;
    }

    /** A peer's text as it may appear in a log line: printable, at most 40 characters. */
    static String shown(String s) {
        String p = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c).limit(40)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 40 ? p + "..." : p;
    }
}
