package org.elasticscrl.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.elasticscrl.core.augment.GoldenFixture.Agreement;
import org.elasticscrl.core.data.Image;
import org.elasticscrl.core.roi.CropBox;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation against torchvision 0.14 + PIL 9.4 on the committed fixtures. The Java port
 * reproduces PIL's integer and float arithmetic, so the expected agreement is exact: every byte
 * (and, after ToTensor + Normalize, every float32) identical.
 */
class AugmentGoldenTest {
    static Stream<JsonNode> resizedCrops() {
        return GoldenFixture.section("resized_crop");
    }

    static Stream<JsonNode> colourOps() {
        return GoldenFixture.section("colour");
    }

    static Stream<JsonNode> blurs() {
        return GoldenFixture.section("resize_blur");
    }

    static Stream<JsonNode> evals() {
        return GoldenFixture.section("eval");
    }

    static Stream<JsonNode> pipelines() {
        return GoldenFixture.section("pipeline");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("resizedCrops")
    void resizedCropMatchesPilBicubic(JsonNode c) {
        Image im = GoldenFixture.image(c);
        int oh = c.get("out_height").asInt();
        int ow = c.get("out_width").asInt();
        byte[] out = new byte[3 * oh * ow];
        Bicubic.resize(im.rgb(), im.width(), c.get("left").asInt(), c.get("top").asInt(),
                c.get("width").asInt(), c.get("height").asInt(), ow, oh, c.get("flip").asBoolean(),
                out, Workspace.local());
        assertExact(GoldenFixture.bytes(c.get("expected")), out, c);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("colourOps")
    void colourOpMatchesPil(JsonNode c) {
        Image im = GoldenFixture.image(c);
        byte[] px = im.rgb().clone();
        int n = im.width() * im.height();
        double factor = c.get("factor").asDouble();
        switch (c.get("op").asText()) {
            case "brightness": PilColor.brightness(px, n, (float) factor); break;
            case "contrast": PilColor.contrast(px, n, (float) factor); break;
            case "saturation": PilColor.saturation(px, n, (float) factor); break;
            case "hue": Hue.rotate(px, n, Hue.shift(factor)); break;
            case "grayscale": PilColor.grayscale(px, n); break;
            case "solarize": PilColor.solarize(px, n); break;
            default: throw new IllegalStateException("unknown op in fixture: " + c.get("op"));
        }
        assertExact(GoldenFixture.bytes(c.get("expected")), px, c);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("blurs")
    void resizeBlurMatchesReference(JsonNode c) {
        int size = c.get("size").asInt();
        byte[] px = GoldenFixture.bytes(c.get("input"));
        ResizeBlur.apply(px, size, size, c.get("level").asInt(), Workspace.local());
        assertExact(GoldenFixture.bytes(c.get("expected")), px, c);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("evals")
    void evalTransformMatchesTorchvision(JsonNode c) {
        int size = c.get("size").asInt();
        EvalTransform t = c.get("kind").asText().equals("center_crop")
                ? EvalTransform.centerCrop(size) : EvalTransform.resizeWhole(size);
        float[] out = new float[3 * size * size + 5];
        t.render(GoldenFixture.image(c), out, 5);
        float[] expected = GoldenFixture.floats(c.get("expected"));
        float[] actual = java.util.Arrays.copyOfRange(out, 5, out.length);
        assertArrayEquals(expected, actual, 0f, () -> "float32 output differs for " + c);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("pipelines")
    void wholeViewMatchesReferenceComposition(JsonNode c) {
        int size = c.get("size").asInt();
        JsonNode b = c.get("box");
        CropBox box = new CropBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt(),
                c.get("flip").asBoolean());
        ColorJitter jitter = null;
        JsonNode j = c.get("jitter");
        if (!j.isNull()) {
            int[] order = new int[4];
            for (int i = 0; i < 4; i++) {
                order[i] = j.get(0).get(i).asInt();
            }
            jitter = new ColorJitter(order, (float) j.get(1).asDouble(), (float) j.get(2).asDouble(),
                    (float) j.get(3).asDouble(), (float) j.get(4).asDouble());
        }
        ViewPlan plan = new ViewPlan(box, jitter, c.get("grayscale").asBoolean(),
                c.get("blur_level").asInt(), c.get("solarize").asBoolean());
        byte[] out = new byte[3 * size * size];
        TwoViewAugmentation.pixels(GoldenFixture.image(c), plan, size, out, Workspace.local());
        assertExact(GoldenFixture.bytes(c.get("expected")), out, c);
    }

    private static void assertExact(byte[] expected, byte[] actual, JsonNode c) {
        Agreement a = Agreement.of(expected, actual);
        assertEquals(0, a.maxDiff(), () -> a + " for " + describe(c));
    }

    private static String describe(JsonNode c) {
        StringBuilder s = new StringBuilder();
        c.properties().forEach(e -> {
            if (!e.getKey().equals("expected") && !e.getKey().equals("input")) {
                s.append(e.getKey()).append('=').append(e.getValue()).append(' ');
            }
        });
        return s.toString().trim();
    }
}
