package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.NodeSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Kubernetes manifests and systemd units refer only to what exists: every document parses;
 * every container runs this project's image with a real {@code scrl} command, real options and
 * configuration keys that load; ports match the options they serve (Artery's bind, metrics,
 * management) and the Prometheus annotations; the component label names the command's role;
 * every ConfigMap, Secret (and key), volume claim and {@code $(VAR)} referenced is defined.
 */
class DeployManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern VAR = Pattern.compile("\\$\\((\\w+)\\)");

    @TempDir
    Path tmp;

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode d = it.next();
                        assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind")
                                && d.path("metadata").hasNonNull("name"), f + ": a document without apiVersion/kind/name");
                        docs.add(d);
                    }
                }
            }
        }
        assertFalse(docs.isEmpty());
        return docs;
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>elastic-scrl</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("../pom.xml")));
        assertTrue(m.find(), "the root pom's version");
        return m.group(1).replace("-SNAPSHOT", "");
    }

    @Test
    void kubernetesManifestsReferOnlyToWhatExists() throws Exception {
        List<JsonNode> docs = documents();
        Map<String, Set<String>> secrets = new HashMap<>();
        Map<String, JsonNode> configMaps = new HashMap<>();
        Set<String> claims = new HashSet<>();
        for (JsonNode d : docs) {
            String name = d.path("metadata").path("name").asText();
            switch (d.path("kind").asText()) {
                case "Secret" -> {
                    Set<String> keys = new HashSet<>();
                    d.path("data").fieldNames().forEachRemaining(keys::add);
                    secrets.put(name, keys);
                }
                case "ConfigMap" -> configMaps.put(name, d.path("data"));
                case "PersistentVolumeClaim" -> claims.add(name);
                default -> { }
            }
        }
        String image = "elastic-scrl:" + projectVersion();
        int pods = 0;
        for (JsonNode d : docs) {
            JsonNode pod = d.path("spec").path("template");
            if (pod.isMissingNode()) {
                continue;
            }
            pods++;
            String role = pod.path("metadata").path("labels").path("app.kubernetes.io/component").asText();
            for (JsonNode v : pod.path("spec").path("volumes")) {
                if (v.has("configMap")) {
                    assertTrue(configMaps.containsKey(v.path("configMap").path("name").asText()), v.toString());
                }
                if (v.has("secret")) {
                    assertTrue(secrets.containsKey(v.path("secret").path("secretName").asText()), v.toString());
                }
                if (v.has("persistentVolumeClaim")) {
                    assertTrue(claims.contains(v.path("persistentVolumeClaim").path("claimName").asText()), v.toString());
                }
            }
            for (JsonNode c : pod.path("spec").path("containers")) {
                String img = c.path("image").asText();
                assertTrue(img.equals(image) || img.equals(image + "-cu128"), "image " + img + ", built as " + image);
                Set<String> env = new HashSet<>();
                for (JsonNode e : c.path("env")) {
                    env.add(e.path("name").asText());
                    JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                    if (!ref.isMissingNode()) {
                        assertTrue(secrets.getOrDefault(ref.path("name").asText(), Set.of()).contains(ref.path("key").asText()),
                                "secret key " + ref);
                        assertTrue(List.of(NodeSecurity.KEYSTORE_PASSWORD, NodeSecurity.TRUSTSTORE_PASSWORD, NodeSecurity.SECRET)
                                .contains(e.path("name").asText()), "a secret goes to a variable scrl reads: " + e);
                    }
                }
                List<String> args = new ArrayList<>();
                c.path("args").forEach(a -> args.add(a.asText()));
                for (String a : args) {
                    Matcher m = VAR.matcher(a);
                    while (m.find()) {
                        assertTrue(env.contains(m.group(1)), "$(" + m.group(1) + ") is not in the container's env");
                    }
                }
                assertEquals(role, args.get(0), "the component label names the command's role");
                Map<String, String> options = checkCommand(args, configMaps.get("scrl-run").path("run.yaml").asText());
                Map<String, Integer> ports = new HashMap<>();
                c.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
                assertEquals(Integer.valueOf(options.get("--bind").replaceAll(".*:", "")), ports.get("artery"));
                if (options.containsKey("--management-port")) {
                    assertEquals(Integer.valueOf(options.get("--management-port")), ports.get("management"));
                }
                if (role.equals("coordinator")) {
                    int metrics = Integer.parseInt(options.getOrDefault("--metrics-port", "9095"));
                    assertEquals(metrics, ports.get("metrics"));
                    JsonNode notes = pod.path("metadata").path("annotations");
                    assertEquals("true", notes.path("prometheus.io/scrape").asText());
                    assertEquals(Integer.toString(metrics), notes.path("prometheus.io/port").asText());
                    String probePort = c.path("readinessProbe").path("httpGet").path("port").asText();
                    assertTrue(ports.containsKey(probePort), "the readiness probe's port " + probePort);
                }
            }
        }
        assertEquals(3, pods, "a coordinator StatefulSet and two worker pools");
        JsonNode coordinators = docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst()
                .orElseThrow();
        assertTrue(coordinators.path("spec").path("replicas").asInt() >= 2, "at least two coordinators");
    }

    /**
     * {@code args} (as a container or a unit passes them) are a real {@code scrl} command with
     * real options; configuration overrides load on top of {@code runYaml}. Returns the options given.
     */
    private Map<String, String> checkCommand(List<String> args, String runYaml) throws IOException {
        CommandLine cli = Scrl.commandLine();
        CommandLine sub = cli.getSubcommands().get(args.get(0));
        assertNotNull(sub, "scrl has no command " + args.get(0));
        Map<String, String> options = new HashMap<>();
        List<String> overrides = new ArrayList<>();
        for (String a : args.subList(1, args.size())) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (sub.getCommandSpec().findOption(name) != null) {
                options.put(name, a.contains("=") ? a.substring(a.indexOf('=') + 1) : "");
            } else {
                assertTrue(name.startsWith("--") && sub.getCommandSpec().unmatchedArgsBindings().size() > 0,
                        "scrl " + args.get(0) + " has no option " + name);
                overrides.add(a);
            }
        }
        if (!overrides.isEmpty()) {
            Path run = tmp.resolve("run.yaml");
            Files.writeString(run, runYaml);
            ConfigLoader.load(run.toString(), overrides); // throws naming any unknown key or bad value
        }
        return options;
    }

    @Test
    void systemdUnitsRunRealCommands() throws Exception {
        String runYaml = documents().stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst()
                .orElseThrow().path("data").path("run.yaml").asText();
        int units = 0;
        try (Stream<Path> files = Files.list(Path.of("systemd"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".service")).sorted().toList()) {
                String exec = Files.readAllLines(f).stream().filter(l -> l.startsWith("ExecStart=")).findFirst()
                        .orElseThrow(() -> new AssertionError(f + " has no ExecStart"));
                List<String> words = List.of(exec.substring("ExecStart=".length()).trim().split("\\s+"));
                assertTrue(words.get(0).endsWith("deploy/bin/scrl"), f + " runs the launcher");
                Map<String, String> options = checkCommand(words.subList(1, words.size()), runYaml);
                assertTrue(options.containsKey("--join"), f + " joins the coordinators");
                units++;
            }
        }
        assertEquals(2, units, "a coordinator and a worker unit");
    }
}
