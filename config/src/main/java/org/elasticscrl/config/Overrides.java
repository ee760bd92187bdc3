package org.elasticscrl.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line overrides in the reference's {@code --section/key=value} convention, extended to
 * every key of the configuration (the reference accepted a fixed whitelist). Both
 * {@code --train/optim/lr=0.3} and {@code --train/optim/lr 0.3} are accepted; top-level keys are
 * written without a slash ({@code --seed 7}).
 */
public final class Overrides {
    /** One override: the key path, the raw text, and how the user wrote the key. */
    public record Override(List<String> path, String value, String shown) {}

    private Overrides() {}

    /** Parses command-line tokens; anything that is not {@code --key[=value]} is an error. */
    public static List<Override> parse(List<String> args) {
        List<Override> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String token = args.get(i);
            if (!token.startsWith("--") || token.length() == 2) {
                throw new ConfigException(
                        "unexpected argument '" + token + "'; overrides look like"
                                + " --section/key=value, e.g. --train/optim/lr=0.3");
            }
            String body = token.substring(2);
            String key;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                key = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else {
                key = body;
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new ConfigException("--" + key + ": missing value; write --" + key
                            + "=VALUE");
                }
                value = args.get(++i);
            }
            if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
                throw new ConfigException("--" + key + ": malformed key; expected section/key");
            }
            out.add(new Override(List.of(key.split("/")), value, "--" + key));
        }
        return out;
    }

    /** Convenience for tests and code: {@code of("train/optim/lr=0.3", ...)}. */
    public static List<Override> of(String... keyEqualsValue) {
        return parse(Arrays.stream(keyEqualsValue).map(s -> "--" + s).toList());
    }
}
