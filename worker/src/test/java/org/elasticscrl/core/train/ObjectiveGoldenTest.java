package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.roi.CropBox;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LC-loss and the truncated triplet loss, value and gradient, against PyTorch (fixtures from
 * {@code src/test/python/generate_objective_fixtures.py}, float64 there, float32 here): flipped
 * views, correspondences outside the online crop, an image without any pair, ImageNet geometry;
 * ranks 2..10 with more and exactly enough negatives, a short batch, an inactive hinge, no negative.
 */
class ObjectiveGoldenTest {
    static Stream<JsonNode> localContrastCases() {
        return cases("local_contrast");
    }

    static Stream<JsonNode> tripletCases() {
        return cases("triplet");
    }

    private static Stream<JsonNode> cases(String kind) {
        JsonNode cases = Fixtures.json("objectives.json").get(kind);
        return Stream.iterate(0, i -> i < cases.size(), i -> i + 1).map(cases::get);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("localContrastCases")
    void localContrastLossMatchesPyTorch(JsonNode c) {
        int n = c.get("images").asInt();
        int side = c.get("side").asInt();
        Shape shape = new Shape(n, c.get("channels").asInt(), side, side);
        LocalContrastLoss lc = new LocalContrastLoss(c.get("temperature").asDouble(), c.get("view_size").asInt(), side);
        LocalContrastLoss.Resampling r = lc.resampling(crops(c.get("crops_target")), crops(c.get("crops_online")));
        long pairs = 0;
        int without = 0;
        for (JsonNode p : c.get("pairs")) {
            pairs += p.asInt();
            without += p.asInt() == 0 ? 1 : 0;
        }
        assertEquals(pairs, r.pairs());
        assertEquals(without, r.imagesWithoutPairs());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = m.create(floats(c.get("target")), shape);
            NDArray online = m.create(floats(c.get("online")), shape);
            online.setRequiresGradient(true);
            float loss;
            try (Autograd ignored = Autograd.record()) {
                NDArray value = lc.loss(target, online, m.create(r.weights(), r.shape()));
                loss = value.getFloat();
                Autograd.backward(value);
            }
            assertEquals(c.get("loss").asDouble(), loss, 2e-6 * Math.abs(c.get("loss").asDouble()));
            assertClose(Fixtures.doubles(c.get("grad_online")), online.getGradient().toFloatArray());
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("tripletCases")
    void tripletLossMatchesPyTorch(JsonNode c) {
        int n = c.get("images").asInt();
        Shape shape = new Shape(2L * n, c.get("dim").asInt());
        TripletLoss triplet = new TripletLoss(c.get("margin").asDouble(), c.get("gamma").asDouble(),
                c.get("rank_from").asInt(), c.get("rank_to").asInt());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(floats(c.get("p")), shape);
            NDArray z = m.create(floats(c.get("z")), shape);
            p.setRequiresGradient(true);
            float loss;
            try (Autograd ignored = Autograd.record()) {
                NDArray value = triplet.symmetric(p, z);
                loss = value.getFloat();
                Autograd.backward(value);
            }
            assertEquals(c.get("loss").asDouble(), loss, 2e-6 * Math.abs(c.get("loss").asDouble()));
            assertClose(Fixtures.doubles(c.get("grad_p")), p.getGradient().toFloatArray());
        }
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double[] got = new double[actual.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = actual[i];
        }
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertArrayEquals(expected, got, 1e-5 * Math.max(scale, 1e-3));
    }

    private static CropBox[] crops(JsonNode list) {
        CropBox[] out = new CropBox[list.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode b = list.get(i);
            out[i] = new CropBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt(),
                    b.get(4).asBoolean());
        }
        return out;
    }

    private static float[] floats(JsonNode array) {
        double[] d = Fixtures.doubles(array);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }
}
