package org.elasticscrl.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Loads a {@link ScrlConfig} from a preset name or a YAML file, applies overrides and validates.
 *
 * <p>A user file may start with {@code base: PRESET} and then give only the keys it changes; it is
 * merged over the preset. Without {@code base}, the file must give every key.
 */
public final class ConfigLoader {
    /** Presets shipped with the product, mirroring the reference's configs plus CPU-sized ones. */
    public static final List<String> PRESETS =
            List.of("scrl_200ep", "scrl_1000ep", "byol_200ep", "byol_1000ep", "byol_lc_400ep", "triplet_200ep",
                    "scrl_cpu", "byol_cpu", "byol_lc_cpu", "triplet_cpu");

    private static final ConfigSchema SCHEMA = new ConfigSchema(ScrlConfig.class);
    private static final ObjectMapper MAPPER = new ObjectMapper(
            YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

    private ConfigLoader() {}

    /** {@code load("scrl_cpu", List.of("--train/optim/lr=0.3"))}. */
    public static ScrlConfig load(String nameOrFile, List<String> overrideArgs) {
        return loadWith(nameOrFile, Overrides.parse(overrideArgs));
    }

    /** Loads a preset or file and applies already-parsed overrides. */
    public static ScrlConfig loadWith(String nameOrFile, List<Overrides.Override> overrides) {
        ObjectNode tree = resolve(nameOrFile);
        ObjectNode checked = SCHEMA.check(tree, describe(nameOrFile));
        for (Overrides.Override o : overrides) {
            ConfigSchema.Node leaf = SCHEMA.leaf(o.path(), o.shown());
            JsonNode value = ConfigSchema.convert(leaf, o.value(), o.shown());
            ObjectNode parent = checked;
            for (String part : o.path().subList(0, o.path().size() - 1)) {
                parent = (ObjectNode) parent.get(part);
            }
            parent.set(o.path().get(o.path().size() - 1), value);
        }
        return bind(checked);
    }

    /** The effective configuration as YAML, in the reference's key names. */
    public static String toYaml(ScrlConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keys added after configurations were first recorded in run directories and checkpoints, with
     * the value that reproduces what those runs did: {@link #fromYaml} fills them in when absent.
     */
    private static final String ADDED_KEYS = """
            network:
              proj_head: {output_bias: false}
              lc: {output_size: 256, hidden_relu: false, alpha: 0.1, temperature: 0.2}
              triplet: {margin: 100.0, gamma: 2.0, rank_from: 2, rank_to: 10}
            augment: {view1_geometry: random_resized_crop}
            cluster: {max_invalid_contributions: 3, aggregation: star, shard_shares: equal}
            """;

    /**
     * Parses YAML text that must give every key (e.g. a run directory's resolved config); keys
     * added since older runs were recorded are filled in with their former behaviour.
     */
    public static ScrlConfig fromYaml(String yaml, String source) {
        try {
            JsonNode tree = MAPPER.readTree(yaml);
            if (tree != null && tree.isObject()) {
                fillAbsent((ObjectNode) tree, (ObjectNode) MAPPER.readTree(ADDED_KEYS));
            }
            return bind(SCHEMA.check(tree, source));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Where two configurations differ, key by key in the reference's names: {@code "train.optim.lr: 0.2 vs
     * 0.3"} ({@code a}'s value first). Empty when they are the same.
     */
    public static List<String> differences(ScrlConfig a, ScrlConfig b) {
        List<String> out = new java.util.ArrayList<>();
        differences("", MAPPER.valueToTree(a), MAPPER.valueToTree(b), out);
        return out;
    }

    private static void differences(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                differences(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
            }
        } else if (!java.util.Objects.equals(a, b)) {
            out.add(path + ": " + a + " vs " + b);
        }
    }

    /** Every overridable key, slash-separated as on the command line. */
    public static List<String> keys() {
        return SCHEMA.leafKeys().stream().map(k -> k.replace('.', '/')).toList();
    }

    private static ScrlConfig bind(ObjectNode tree) {
        try {
            return MAPPER.treeToValue(tree, ScrlConfig.class);
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException ce) {
                    throw ce;
                }
            }
            throw new ConfigException("configuration does not bind: " + e.getOriginalMessage(), e);
        }
    }

    private static String describe(String nameOrFile) {
        return PRESETS.contains(nameOrFile) ? "preset " + nameOrFile : nameOrFile;
    }

    private static ObjectNode resolve(String nameOrFile) {
        return resolve(nameOrFile, new ArrayList<>());
    }

    private static ObjectNode resolve(String nameOrFile, List<String> chain) {
        if (chain.contains(nameOrFile)) {
            throw new ConfigException("base: cycle " + chain + " -> " + nameOrFile);
        }
        chain.add(nameOrFile);
        JsonNode tree = read(nameOrFile);
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(nameOrFile + ": expected a YAML mapping of sections");
        }
        ObjectNode node = (ObjectNode) tree;
        JsonNode base = node.remove("base");
        if (base == null || base.isNull()) {
            return node;
        }
        ObjectNode merged = resolve(base.asText(), chain);
        merge(merged, node);
        return merged;
    }

    /** Adds {@code defaults}' keys that {@code into} lacks, inside sections {@code into} has. */
    private static void fillAbsent(ObjectNode into, ObjectNode defaults) {
        for (Iterator<String> it = defaults.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode existing = into.get(key);
            if (existing == null) {
                into.set(key, defaults.get(key));
            } else if (existing.isObject() && defaults.get(key).isObject()) {
                fillAbsent((ObjectNode) existing, (ObjectNode) defaults.get(key));
            }
        }
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode value = from.get(key);
            JsonNode existing = into.get(key);
            if (existing != null && existing.isObject() && value.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value);
            } else {
                into.set(key, value);
            }
        }
    }

    private static JsonNode read(String nameOrFile) {
        if (PRESETS.contains(nameOrFile)) {
            String resource = "/presets/" + nameOrFile + ".yaml";
            try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("preset missing from the jar: " + resource);
                }
                return MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path path = Path.of(nameOrFile);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(
                    "config '" + nameOrFile + "' is neither a preset " + PRESETS
                            + " nor a readable YAML file");
        }
        try {
            return MAPPER.readTree(path.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException(nameOrFile + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(nameOrFile + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
