package org.elasticscrl.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.elasticscrl.core.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every colour model PIL decodes, byte for byte as PIL 9.4's {@code convert("RGB")} gives it: CMYK and YCCK JPEGs
 * (Adobe's inverted CMYK, as PIL always assumes), 16-bit PNGs (the high byte; 16-bit gray clipped at 255 as PIL's
 * I-to-RGB conversion does), palettes with transparency, gray with alpha, bilevel, and a JPEG whose EXIF orientation
 * PIL leaves as stored. Files and golden values by {@code src/test/python/generate_decode_fixtures.py}.
 */
class ImageDecoderGoldenTest {
    static Stream<Arguments> files() {
        List<Arguments> out = new ArrayList<>();
        Fixtures.json("decode/decode.json").get("files").forEach(f -> out.add(Arguments.of(f.get("name").asText(), f)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void decodesAsPilConvertsToRgb(String name, JsonNode f) throws URISyntaxException {
        Path file = Path.of(ImageDecoderGoldenTest.class.getResource("/fixtures/decode/" + name).toURI());
        Image image = ImageDecoder.decode(file);
        assertEquals(f.get("width").asInt(), image.width(), "width (EXIF orientation is not applied)");
        assertEquals(f.get("height").asInt(), image.height());
        byte[] pil = Base64.getDecoder().decode(f.get("rgb").asText());
        int differing = 0;
        int worst = 0;
        for (int i = 0; i < pil.length; i++) {
            int d = Math.abs((pil[i] & 0xFF) - (image.rgb()[i] & 0xFF));
            differing += d == 0 ? 0 : 1;
            worst = Math.max(worst, d);
        }
        assertEquals(0, differing, name + " (PIL mode " + f.get("mode").asText() + "): " + differing
                + " of " + pil.length + " values differ from PIL's, by up to " + worst);
    }
}
