package org.elasticscrl.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.elasticscrl.config.ConfigLoader;
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

    /**
     * A tiny learner for fast tests: ResNet-18 of width 8 with the small stem on 32-px views (4x4
     * maps), 4 boxes per image (SCRL), a 32-channel local branch and a resized whole view 1
     * (byol_lc), ranks 2..7 of the 7 other images of an 8-image chunk (triplet).
     */
    public static ScrlConfig tiny(String objective, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--objective=" + objective, "--network/width=8", "--network/proj_head/input_size=64",
                "--network/proj_head/hidden_size=128", "--network/proj_head/output_size=64",
                "--augment/input_size=32", "--network/scrl/num_patches_per_image=4",
                "--train/batch_size_train=8", "--train/chunk_size=8"));
        if (objective.equals("byol_lc")) {
            args.addAll(List.of("--network/lc/output_size=32", "--augment/view1_geometry=resize"));
        }
        if (objective.equals("triplet")) {
            args.add("--network/triplet/rank_to=7");
        }
        for (String e : extra) {
            args.add("--" + e);
        }
        return ConfigLoader.load("scrl_cpu", args);
    }
}
