package org.elasticscrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"scrl_200ep", "scrl_1000ep", "byol_200ep", "byol_1000ep", "byol_lc_400ep", "triplet_200ep",
        "scrl_cpu", "byol_cpu", "byol_lc_cpu", "triplet_cpu"})
    void everyPresetLoadsAndRoundTrips(String preset) {
        ScrlConfig c = ConfigLoader.load(preset, List.of());
        assertEquals(c, ConfigLoader.fromYaml(ConfigLoader.toYaml(c), "round trip"));
    }

    @Test
    void paperPresetsCarryTheReferenceValues() {
        ScrlConfig s200 = ConfigLoader.load("scrl_200ep", List.of());
        assertEquals("scrl", s200.objective());
        assertEquals(50, s200.network().depth());
        assertEquals(2048, s200.network().projHead().inputSize());
        assertEquals(10, s200.network().scrl().numPatchesPerImage());
        assertEquals(0.03125, s200.network().scrl().spatialScale());
        assertEquals(List.of(0.2, 1.0), s200.augment().cropScale());
        assertEquals(0.97, s200.train().m());
        assertEquals(14.4, s200.train().scaledLr(), 1e-12);
        assertEquals(1e-6, s200.train().optim().weightDecay());
        assertEquals(32, s200.train().chunksPerStep());
        assertEquals(0.2, s200.eval().optim().lr());

        ScrlConfig s1000 = ConfigLoader.load("scrl_1000ep", List.of());
        assertEquals(0.996, s1000.train().m());
        assertEquals(0.2, s1000.train().optim().lr());
        assertEquals(1.5e-6, s1000.train().optim().weightDecay());
        assertEquals(1000, s1000.train().maxEpochs());
        assertEquals(100, s1000.train().snapshotInterval());

        ScrlConfig b200 = ConfigLoader.load("byol_200ep", List.of());
        assertEquals("byol", b200.objective());
        assertEquals(0.05, b200.eval().optim().lr());
        assertEquals(0.45, b200.train().optim().lr());
        ScrlConfig b1000 = ConfigLoader.load("byol_1000ep", List.of());
        assertEquals(0.996, b1000.train().m());
        assertEquals(0.05, b1000.eval().optim().lr());
    }

    @Test
    void presetsOfTheOtherObjectivesCarryThePapersValues() {
        ScrlConfig lc = ConfigLoader.load("byol_lc_400ep", List.of());
        assertEquals("byol_lc", lc.objective());
        assertEquals(400, lc.train().maxEpochs());
        assertEquals(10, lc.train().warmupEpochs());
        assertEquals(4.8, lc.train().scaledLr(), 1e-12);
        assertEquals(1e-6, lc.train().optim().weightDecay());
        assertEquals(0.996, lc.train().m());
        assertEquals(0.1, lc.network().lc().alpha());
        assertEquals(256, lc.network().lc().outputSize());
        assertFalse(lc.network().lc().hiddenRelu());
        assertTrue(lc.augment().plainFirstView());
        assertEquals("copy", lc.network().targetInit());

        ScrlConfig t = ConfigLoader.load("triplet_200ep", List.of());
        assertEquals("triplet", t.objective());
        assertEquals(200, t.train().maxEpochs());
        assertEquals(4.8, t.train().scaledLr(), 1e-12);
        assertEquals(0.99, t.train().m());
        assertEquals("param_type", t.train().optim().excludeBy());
        assertEquals(new TripletConfig(100, 2, 2, 10), t.network().triplet());
        assertEquals("copy", t.network().targetInit());
        assertTrue(t.network().projHead().outputBias());
    }

    @Test
    void cpuPresetsChangeOnlyWhatTheirMethodDefines() {
        ScrlConfig byol = ConfigLoader.load("byol_cpu", List.of());
        assertEquals(ConfigLoader.load("byol_lc_cpu", List.of()), ConfigLoader.load("byol_cpu",
                List.of("--objective=byol_lc", "--augment/view1_geometry=resize")));
        assertEquals(ConfigLoader.load("triplet_cpu", List.of()), ConfigLoader.load("byol_cpu",
                List.of("--objective=triplet", "--network/target_init=copy")));
        assertFalse(byol.augment().plainFirstView());
    }

    @Test
    void keysOfTheOtherObjectivesAreValidated() {
        assertMessage("network.lc.alpha: '1.5'", "--network/lc/alpha=1.5");
        assertMessage("network.lc.temperature: '0.0'", "--network/lc/temperature=0");
        assertMessage("network.lc.output_size: '0'", "--network/lc/output_size=0");
        assertMessage("network.triplet.margin: '-1.0'", "--network/triplet/margin=-1");
        assertMessage("network.triplet.gamma: '0.0'", "--network/triplet/gamma=0");
        assertMessage("network.triplet.rank_from: '0'", "--network/triplet/rank_from=0");
        assertMessage("network.triplet.rank_to: '1'", "--network/triplet/rank_to=1");
        assertMessage("network.triplet.rank_to: '10' needs 10 other images", "--objective=triplet",
                "--train/chunk_size=8", "--train/batch_size_train=64");
        assertMessage("augment.view1_geometry: 'crop'", "--augment/view1_geometry=crop");
        assertMessage("augment.view1_geometry: 'resize' has no effect", "--augment/type=none",
                "--augment/view1_geometry=resize");
        assertMessage("objective: 'byol_lc' needs a feature map of at least 2x2", "--objective=byol_lc",
                "--augment/input_size=8");
        assertMessage("objective: 'simclr'", "--objective=simclr");
        // a small chunk is fine for the objectives that do not draw negatives from it
        assertEquals(8, ConfigLoader.load("scrl_cpu", List.of("--train/chunk_size=8")).train().chunkSize());
    }

    private static void assertMessage(String start, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load("scrl_cpu", List.of(overrides)));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void configurationsRecordedBeforeTheOtherObjectivesStillLoad() throws Exception {
        ScrlConfig scrl = ConfigLoader.load("scrl_cpu", List.of());
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) readTree(ConfigLoader.toYaml(scrl));
        var network = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("network");
        network.remove(List.of("lc", "triplet"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) network.get("proj_head")).remove("output_bias");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("augment")).remove("view1_geometry");
        ScrlConfig old = ConfigLoader.fromYaml(YAML.writeValueAsString(tree), "an older run");
        assertEquals(scrl.network().projHead(), old.network().projHead());
        assertEquals(scrl.augment(), old.augment());
        assertFalse(old.network().projHead().outputBias());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromYaml("objective: scrl\n", "a partial file"));
        assertTrue(e.getMessage().contains("missing key"), e.getMessage());
    }

    @Test
    void everyKeyCanBeOverridden() {
        ScrlConfig base = ConfigLoader.load("scrl_cpu", List.of());
        JsonNode tree = YAML.valueToTree(YAML.convertValue(
                readTree(ConfigLoader.toYaml(base)), Object.class));
        List<String> keys = ConfigLoader.keys();
        assertTrue(keys.size() > 50, "schema lists " + keys.size() + " keys");
        for (String key : keys) {
            JsonNode value = tree.at("/" + key);
            String text = value.isArray() ? value.toString() : value.asText();
            ScrlConfig same = ConfigLoader.load("scrl_cpu", List.of("--" + key + "=" + text));
            assertEquals(base, same, key);
        }
    }

    @Test
    void overridesChangeValuesInBothSyntaxes() {
        ScrlConfig c = ConfigLoader.load("scrl_cpu", List.of(
                "--train/optim/lr=0.3", "--train/max_epochs", "7", "--network/scrl/min_size=16",
                "--augment/crop_scale=[0.3, 0.9]", "--load_dir", "runs/x", "--seed=42",
                "--dataset/root=null"));
        assertEquals(0.3, c.train().optim().lr());
        assertEquals(7, c.train().maxEpochs());
        assertEquals(16, c.network().scrl().minSize());
        assertEquals(List.of(0.3, 0.9), c.augment().cropScale());
        assertEquals("runs/x", c.loadDir());
        assertEquals(42, c.seed());
        assertNull(c.dataset().root());
    }

    @Test
    void booleansAcceptAnyCase() {
        for (String v : List.of("False", "FALSE", "false", "fAlSe")) {
            assertFalse(ConfigLoader.load("scrl_cpu", List.of("--train/enabled=" + v)).train().enabled());
        }
        assertTrue(ConfigLoader.load("scrl_cpu", List.of("--eval/finetune=TRUE")).eval().finetune());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--train/enabled=yes")));
        assertTrue(e.getMessage().contains("--train/enabled") && e.getMessage().contains("'yes'")
                && e.getMessage().contains("true or false"), e.getMessage());
    }

    @Test
    void unknownKeyNamesTheKeyAndTheValidOnes() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--train/optim/learning_rate=1")));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
        assertTrue(e.getMessage().contains("lr, momentum, weight_decay"), e.getMessage());
        ConfigException top = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--trian/max_epochs=1")));
        assertTrue(top.getMessage().contains("'trian'") && top.getMessage().contains("train"),
                top.getMessage());
    }

    @Test
    void badlyTypedValueNamesKeyValueAndType() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--train/max_epochs=ten")));
        assertEquals("--train/max_epochs: 'ten' is not valid; expected an integer", e.getMessage());
        ConfigException d = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--train/optim/lr=fast")));
        assertTrue(d.getMessage().contains("'fast'") && d.getMessage().contains("a number"));
    }

    @Test
    void rangeErrorsNameTheYamlKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--network/name=resnet49")));
        assertTrue(e.getMessage().startsWith("network.name: 'resnet49'"), e.getMessage());
        assertTrue(e.getMessage().contains("resnet101"), e.getMessage());
        ConfigException m = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--train/m=1.5")));
        assertTrue(m.getMessage().startsWith("train.m: '1.5'"), m.getMessage());
        ConfigException head = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--network/width=32")));
        assertTrue(head.getMessage().contains("network.proj_head.input_size")
                && head.getMessage().contains("expected 256"), head.getMessage());
        ConfigException scale = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("scrl_cpu", List.of("--network/stem=imagenet",
                        "--augment/input_size=224")));
        assertTrue(scale.getMessage().contains("spatial_scale"), scale.getMessage());
    }

    @Test
    void sectionsAndMalformedArgumentsAreRefused() {
        assertThrows(ConfigException.class, () -> ConfigLoader.load("scrl_cpu", List.of("--train=1")));
        assertThrows(ConfigException.class, () -> ConfigLoader.load("scrl_cpu", List.of("lr=1")));
        assertThrows(ConfigException.class, () -> ConfigLoader.load("scrl_cpu", List.of("--seed")));
        ConfigException p = assertThrows(ConfigException.class,
                () -> ConfigLoader.load("no_such_preset", List.of()));
        assertTrue(p.getMessage().contains("scrl_200ep"), p.getMessage());
    }

    @Test
    void userFileInheritsFromABasePreset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "base: scrl_cpu\ntrain:\n  max_epochs: 3\n  optim:\n    lr: 2.0\n");
        ScrlConfig c = ConfigLoader.load(file.toString(), List.of("--seed=5"));
        assertEquals(3, c.train().maxEpochs());
        assertEquals(2.0, c.train().optim().lr());
        assertEquals(5, c.seed());
        assertEquals(ConfigLoader.load("scrl_cpu", List.of()).network(), c.network());
    }

    @Test
    void fileErrorsNameTheFileAndTheKey(@TempDir Path dir) throws Exception {
        Path unknown = dir.resolve("u.yaml");
        Files.writeString(unknown, "base: scrl_cpu\ntrain:\n  epochs: 3\n");
        ConfigException u = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(unknown.toString(), List.of()));
        assertTrue(u.getMessage().contains(unknown.toString()) && u.getMessage().contains("train.epochs")
                && u.getMessage().contains("max_epochs"), u.getMessage());
        Path missing = dir.resolve("m.yaml");
        Files.writeString(missing, "objective: scrl\n");
        ConfigException m = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(missing.toString(), List.of()));
        assertTrue(m.getMessage().contains("missing key"), m.getMessage());
        Path typed = dir.resolve("t.yaml");
        Files.writeString(typed, "base: scrl_cpu\ntrain:\n  max_epochs: many\n");
        ConfigException t = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(typed.toString(), List.of()));
        assertTrue(t.getMessage().contains("train.max_epochs") && t.getMessage().contains("'many'")
                && t.getMessage().contains("an integer"), t.getMessage());
        Path caps = dir.resolve("c.yaml");
        Files.writeString(caps, "base: scrl_cpu\ntrain:\n  enabled: False\n  online_eval: \"TRUE\"\n");
        ScrlConfig c = ConfigLoader.load(caps.toString(), List.of());
        assertFalse(c.train().enabled());
        assertTrue(c.train().onlineEval());
    }

    private static JsonNode readTree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
