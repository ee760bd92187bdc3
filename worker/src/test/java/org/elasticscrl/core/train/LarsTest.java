package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.elasticscrl.core.nn.Linear;
import org.junit.jupiter.api.Test;

/** One LARS step on small tensors against the formulas of REFERENCE §5.3, written out by hand. */
class LarsTest {
    private static final double LR = 0.7;
    private static final double WD = 0.01;
    private static final double MOMENTUM = 0.9;
    private static final double TRUST = 0.001;
    private static final double EPS = 1e-8;

    @Test
    void oneStepMatchesTheHandComputedFormulaForBothGroups() {
        assertStep(true);
        assertStep(false);
    }

    private void assertStep(boolean lrSquared) {
        float[] w = {0.5f, -1.0f, 2.0f, 0.25f, /* bias: */ 0.1f, -0.3f};
        float[] g = {0.2f, 0.1f, -0.4f, 0.3f, /* bias: */ 0.05f, 0.02f};
        float[] m0 = {0.1f, 0.0f, -0.2f, 0.05f, 0.01f, 0.0f};
        try (NDManager nd = NDManager.newBaseManager()) {
            Linear layer = new Linear(2, 2, true, true);
            Slab slab = Slab.allocate(nd, "", layer.namedParameters(), true);
            slab.load(w);
            List<ParamGroups.Segment> groups = List.of(
                    new ParamGroups.Segment("weight", 0, 4, ParamGroups.Group.LARS),
                    new ParamGroups.Segment("bias", 4, 2, ParamGroups.Group.EXCLUDED));
            Lars lars = new Lars(slab, groups, MOMENTUM, TRUST, EPS, lrSquared);
            NDArray buffer = nd.create(m0);
            try (NDManager scope = nd.newSubManager()) {
                lars.step(scope.create(g), buffer, LR, WD, scope);
            }

            // group 1: a = trust·|w| / (|g| + wd·|w| + eps); g' = (g + wd·w)·a
            double wn = Math.sqrt(0.25 + 1 + 4 + 0.0625);
            double gn = Math.sqrt(0.04 + 0.01 + 0.16 + 0.09);
            double a = TRUST * wn / (gn + WD * wn + EPS);
            double[] expectedW = new double[6];
            double[] expectedM = new double[6];
            for (int i = 0; i < 6; i++) {
                double gi = i < 4 ? (g[i] + WD * w[i]) * a : g[i] * (lrSquared ? LR : 1.0);
                expectedM[i] = MOMENTUM * m0[i] + gi;
                expectedW[i] = w[i] - LR * expectedM[i];
            }
            assertArrayEquals(toFloat(expectedM), buffer.toFloatArray(), 1e-6f, "momentum");
            assertArrayEquals(toFloat(expectedW), slab.toFloatArray(), 1e-6f, "weights");
        }
    }

    @Test
    void trustRatioIsOneWhenANormIsZero() {
        assertEquals(1.0, Lars.trustRatio(0, 1, 0.1, TRUST, EPS));
        assertEquals(1.0, Lars.trustRatio(1, 0, 0.1, TRUST, EPS));
    }

    @Test
    void groupsFollowTheReferenceNames() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Networks nets = Networks.create(
                    ModelSpec.of(org.elasticscrl.core.Fixtures.tiny("scrl"), 10), nd);
            List<ParamGroups.Segment> groups = ParamGroups.of(nets.online, "reference_name", false);
            assertEquals(ParamGroups.Group.LARS, group(groups, "backbone.conv1.weight"));
            // the stem BatchNorm is encoder.1.weight in the reference: no "bn" in the name
            assertEquals(ParamGroups.Group.LARS, group(groups, "backbone.bn1.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(groups, "backbone.bn1.bias"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(groups, "backbone.layer1.0.bn1.weight"));
            assertEquals(ParamGroups.Group.LARS, group(groups, "backbone.layer2.0.downsample.1.weight"));
            assertEquals(ParamGroups.Group.LARS, group(groups, "projector.net.1.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(groups, "projector.net.0.bias"));
            assertEquals(ParamGroups.Group.LARS, group(groups, "predictor.net.3.weight"));
            assertEquals(ParamGroups.Group.LARS, group(groups, "evaluator.linear.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(groups, "evaluator.linear.bias"));
            List<ParamGroups.Segment> typed = ParamGroups.of(nets.online, "param_type", true);
            assertEquals(ParamGroups.Group.EXCLUDED, group(typed, "backbone.bn1.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(typed, "projector.net.1.weight"));
            assertEquals(ParamGroups.Group.FROZEN, group(typed, "evaluator.linear.weight"));
            nets.close();
        }
    }

    private static ParamGroups.Group group(List<ParamGroups.Segment> groups, String name) {
        return groups.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().group();
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
