package org.elasticscrl.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.elasticscrl.config.ScrlConfig;

/** Shared test inputs: committed golden fixtures and small configurations. */
public final class Fixtures {
    private Fixtures() {}

    /** A JSON fixture from {@code src/test/resources/fixtures}. */
    public static JsonNode json(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** {@link org.elasticscrl.core.train.DeterminismProbe#tiny}: a tiny learner for fast tests. */
    public static ScrlConfig tiny(String objective, String... extra) {
        return org.elasticscrl.core.train.DeterminismProbe.tiny(objective, extra);
    }
}
