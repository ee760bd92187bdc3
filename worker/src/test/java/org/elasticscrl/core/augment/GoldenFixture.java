package org.elasticscrl.core.augment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.data.Image;

/**
 * {@code fixtures/augment.json}, written by {@code src/test/python/generate_augment_fixtures.py}
 * from torchvision 0.14 and PIL 9.4: the input images and the reference outputs.
 */
final class GoldenFixture {
    static final JsonNode ROOT = Fixtures.json("augment.json");
    private static final Map<String, Image> IMAGES = new HashMap<>();

    static {
        for (JsonNode im : ROOT.get("images")) {
            IMAGES.put(im.get("name").asText(),
                    new Image(im.get("width").asInt(), im.get("height").asInt(), bytes(im.get("rgb"))));
        }
    }

    private GoldenFixture() {}

    static Stream<JsonNode> section(String name) {
        JsonNode cases = ROOT.get(name);
        if (cases == null) {
            throw new IllegalStateException("augment.json has no section '" + name + "'; regenerate it");
        }
        return IntStream.range(0, cases.size()).mapToObj(cases::get);
    }

    static Image image(JsonNode c) {
        String name = c.get("image").asText();
        Image im = IMAGES.get(name);
        if (im == null) {
            throw new IllegalStateException("augment.json has no image '" + name + "'");
        }
        return im;
    }

    static byte[] bytes(JsonNode base64) {
        return Base64.getDecoder().decode(base64.asText());
    }

    /** Little-endian float32 values. */
    static float[] floats(JsonNode base64) {
        ByteBuffer buf = ByteBuffer.wrap(bytes(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    /** How closely two 8-bit images agree. */
    record Agreement(int maxDiff, double identical, int values) {
        static Agreement of(byte[] expected, byte[] actual) {
            if (expected.length != actual.length) {
                throw new AssertionError("expected " + expected.length + " bytes, got " + actual.length);
            }
            int worst = 0;
            int same = 0;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((expected[i] & 0xff) - (actual[i] & 0xff));
                worst = Math.max(worst, d);
                same += d == 0 ? 1 : 0;
            }
            return new Agreement(worst, (double) same / expected.length, expected.length);
        }

        @Override
        public String toString() {
            return String.format("max |diff| %d, %.4f%% identical of %d values", maxDiff, 100 * identical, values);
        }
    }
}
