package org.elasticscrl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of the configuration, read off the config records: which keys exist at each level
 * and what type each leaf has. It checks YAML trees (unknown, missing and mistyped keys) and turns
 * override strings into typed values, so that every key is overridable and every error names the
 * key, the value and what would be accepted.
 */
final class ConfigSchema {
    enum Kind {
        BOOLEAN("true or false (any case)"),
        INT("an integer"),
        LONG("an integer"),
        DOUBLE("a number"),
        STRING("a string"),
        DOUBLE_LIST("a list of numbers, e.g. [0.2, 1.0]"),
        SECTION("a section");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    /** A key: a section with children, or a typed leaf. */
    record Node(Kind kind, boolean nullable, Map<String, Node> children) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Node root;

    ConfigSchema(Class<? extends Record> rootType) {
        this.root = section(rootType);
    }

    private static Node section(Class<?> type) {
        Map<String, Node> children = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            children.put(snake(c.getName()), node(c.getGenericType()));
        }
        return new Node(Kind.SECTION, false, children);
    }

    private static Node node(Type type) {
        if (type instanceof Class<?> c) {
            if (c.isRecord()) {
                return section(c);
            }
            if (c == boolean.class || c == Boolean.class) {
                return new Node(Kind.BOOLEAN, !c.isPrimitive(), Map.of());
            }
            if (c == int.class || c == Integer.class) {
                return new Node(Kind.INT, !c.isPrimitive(), Map.of());
            }
            if (c == long.class || c == Long.class) {
                return new Node(Kind.LONG, !c.isPrimitive(), Map.of());
            }
            if (c == double.class || c == Double.class) {
                return new Node(Kind.DOUBLE, !c.isPrimitive(), Map.of());
            }
            if (c == String.class) {
                return new Node(Kind.STRING, true, Map.of());
            }
        }
        if (type instanceof ParameterizedType p
                && p.getRawType() == List.class
                && p.getActualTypeArguments()[0] == Double.class) {
            return new Node(Kind.DOUBLE_LIST, false, Map.of());
        }
        throw new IllegalStateException("config type not supported by the schema: " + type);
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** Every leaf key, dotted ({@code train.optim.lr}), in declaration order. */
    List<String> leafKeys() {
        List<String> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Node node, String prefix, List<String> out) {
        node.children().forEach((k, child) -> {
            if (child.kind() == Kind.SECTION) {
                collect(child, prefix + k + ".", out);
            } else {
                out.add(prefix + k);
            }
        });
    }

    /**
     * Checks a whole YAML tree: every key known, none missing, every leaf of the right type.
     * Returns a normalised copy (e.g. {@code "TRUE"} → {@code true}).
     */
    ObjectNode check(JsonNode tree, String source) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(source + ": expected a YAML mapping of sections at the top");
        }
        return (ObjectNode) checkSection(root, tree, "", source);
    }

    private JsonNode checkSection(Node schema, JsonNode tree, String prefix, String source) {
        if (!tree.isObject()) {
            throw new ConfigException(
                    source + ": " + prefix.replaceAll("\\.$", "") + " must be a section with keys "
                            + schema.children().keySet());
        }
        ObjectNode out = NODES.objectNode();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!schema.children().containsKey(key)) {
                throw new ConfigException(
                        source + ": unknown key '" + prefix + key + "'; valid keys"
                                + (prefix.isEmpty() ? "" : " under " + prefix.replaceAll("\\.$", ""))
                                + ": " + schema.children().keySet());
            }
        }
        for (Map.Entry<String, Node> e : schema.children().entrySet()) {
            String key = prefix + e.getKey();
            Node child = e.getValue();
            JsonNode value = tree.get(e.getKey());
            if (value == null) {
                throw new ConfigException(
                        source + ": missing key '" + key + "' (" + child.kind().expected + ")");
            }
            if (child.kind() == Kind.SECTION) {
                out.set(e.getKey(), checkSection(child, value, key + ".", source));
            } else {
                out.set(e.getKey(), checkLeaf(child, value, key, source));
            }
        }
        return out;
    }

    private static JsonNode checkLeaf(Node leaf, JsonNode v, String key, String source) {
        if (v.isNull()) {
            if (leaf.nullable()) {
                return v;
            }
            throw new ConfigException(
                    source + ": " + key + " is null; expected " + leaf.kind().expected);
        }
        JsonNode typed = v.isTextual() && leaf.kind() != Kind.STRING
                ? convert(leaf, v.asText(), key)
                : v;
        boolean ok = switch (leaf.kind()) {
            case BOOLEAN -> typed.isBoolean();
            case INT -> typed.isIntegralNumber() && typed.canConvertToInt();
            case LONG -> typed.isIntegralNumber() && typed.canConvertToLong();
            case DOUBLE -> typed.isNumber();
            case STRING -> typed.isValueNode();
            case DOUBLE_LIST -> typed.isArray() && allNumbers(typed);
            case SECTION -> false;
        };
        if (!ok) {
            throw new ConfigException(source + ": " + key + ": '" + v + "' is not valid; expected "
                    + leaf.kind().expected);
        }
        return leaf.kind() == Kind.STRING ? NODES.textNode(typed.asText()) : typed;
    }

    private static boolean allNumbers(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isNumber()) {
                return false;
            }
        }
        return true;
    }

    /** The leaf at {@code path}, or an error naming the first unknown part and the valid keys. */
    Node leaf(List<String> path, String shown) {
        Node node = root;
        StringBuilder at = new StringBuilder();
        for (String part : path) {
            Node next = node.children().get(part);
            if (next == null) {
                throw new ConfigException(
                        shown + ": unknown key '" + part + "'"
                                + (at.length() == 0 ? "" : " under " + at)
                                + "; valid keys: " + node.children().keySet());
            }
            at.append(at.length() == 0 ? "" : "/").append(part);
            node = next;
        }
        if (node.kind() == Kind.SECTION) {
            throw new ConfigException(
                    shown + ": is a section, not a value; set one of its keys: "
                            + node.children().keySet());
        }
        return node;
    }

    /** Parses an override's text into the leaf's type, or fails naming key, value and type. */
    static JsonNode convert(Node leaf, String raw, String key) {
        String s = raw.trim();
        if (leaf.nullable() && (s.equalsIgnoreCase("null") || s.equals("~"))) {
            return NODES.nullNode();
        }
        try {
            switch (leaf.kind()) {
                case BOOLEAN:
                    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                        return NODES.booleanNode(Boolean.parseBoolean(s.toLowerCase(Locale.ROOT)));
                    }
                    break;
                case INT:
                    return NODES.numberNode(Integer.parseInt(s));
                case LONG:
                    return NODES.numberNode(Long.parseLong(s));
                case DOUBLE:
                    double d = Double.parseDouble(s);
                    if (Double.isFinite(d)) {
                        return NODES.numberNode(d);
                    }
                    break;
                case STRING:
                    return NODES.textNode(raw);
                case DOUBLE_LIST:
                    String inner = s.startsWith("[") && s.endsWith("]")
                            ? s.substring(1, s.length() - 1) : s;
                    ArrayNode array = NODES.arrayNode();
                    for (String part : inner.split(",")) {
                        double x = Double.parseDouble(part.trim());
                        if (!Double.isFinite(x)) {
                            throw new NumberFormatException(part);
                        }
                        array.add(x);
                    }
                    return array;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw ConfigException.invalid(key, raw, leaf.kind().expected);
    }
}
