package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.data.SyntheticChunks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The step API: determinism, split = fused, chunks computed anywhere, snapshot / restore. */
class TrainingCoreTest {
    private static final StepHyper HYPER = new StepHyper(0.5, 0.99, 1e-6);

    private static SyntheticChunks data(ScrlConfig cfg) {
        return new SyntheticChunks(cfg.seed(), 96, 128, cfg.augment().inputSize(), 10, 0.2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol", "byol_lc", "triplet"})
    void sameSeedGivesBitIdenticalStateAfterFiveSteps(String objective) {
        ScrlConfig cfg = Fixtures.tiny(objective);
        long a;
        long b;
        try (TrainingCore one = TrainingCore.create(cfg, 10); TrainingCore two = TrainingCore.create(cfg, 10)) {
            assertEquals(one.checksum(), two.checksum(), "same initial state");
            SyntheticChunks d = data(cfg);
            for (int s = 0; s < 5; s++) {
                one.step(List.of(d.chunk(0, 8L * s, 8)), HYPER);
                two.step(List.of(d.chunk(0, 8L * s, 8)), HYPER);
            }
            a = one.checksum();
            b = two.checksum();
            assertEquals(5, one.globalStep());
        }
        assertEquals(a, b);
        try (TrainingCore other = TrainingCore.create(Fixtures.tiny(objective, "seed=1"), 10)) {
            assertNotEquals(a, other.checksum(), "another seed gives another network");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol", "byol_lc", "triplet"})
    void computePlusApplyEqualsTheFusedStep(String objective) {
        ScrlConfig cfg = Fixtures.tiny(objective);
        SyntheticChunks d = data(cfg);
        try (TrainingCore fused = TrainingCore.create(cfg, 10); TrainingCore split = TrainingCore.create(cfg, 10)) {
            for (int s = 0; s < 3; s++) {
                List<Chunk> chunks = List.of(d.chunk(1, 16L * s, 8), d.chunk(1, 16L * s + 8, 8));
                fused.step(chunks, HYPER);
                Contribution c = split.computeGradients(chunks);
                split.applyUpdate(Update.mean(c, HYPER));
            }
            assertEquals(fused.checksum(), split.checksum());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol", "byol_lc", "triplet"})
    void chunksComputedByDifferentReplicasGiveTheSameUpdate(String objective) {
        // Two replicas each compute one chunk; their summed contributions equal one replica
        // computing both (the cluster's aggregation), and every replica ends identical.
        ScrlConfig cfg = Fixtures.tiny(objective);
        SyntheticChunks d = data(cfg);
        try (TrainingCore solo = TrainingCore.create(cfg, 10);
                TrainingCore w1 = TrainingCore.create(cfg, 10);
                TrainingCore w2 = TrainingCore.create(cfg, 10)) {
            for (int s = 0; s < 3; s++) {
                Chunk c1 = d.chunk(0, 16L * s, 8);
                Chunk c2 = d.chunk(0, 16L * s + 8, 8);
                Contribution all = solo.computeGradients(List.of(c1, c2));
                Contribution a = w1.computeGradients(List.of(c1));
                Contribution b = w2.computeGradients(List.of(c2));
                float[] sum = add(a.gradientSum(), b.gradientSum());
                float[] allGrad = all.gradientSum();
                for (int i = 0; i < sum.length; i++) {
                    assertEquals(allGrad[i], sum[i], 1e-5f * (1 + Math.abs(allGrad[i])), "gradient " + i);
                }
                Contribution merged = new Contribution(sum, add(a.statisticsSum(), b.statisticsSum()),
                        a.metrics().plus(b.metrics()));
                assertEquals(all.metrics().sslLossSum(), merged.metrics().sslLossSum(), 1e-4);
                Update u = Update.mean(merged, HYPER);
                solo.applyUpdate(u);
                w1.applyUpdate(u);
                w2.applyUpdate(u);
                assertEquals(solo.checksum(), w1.checksum());
                assertEquals(w1.checksum(), w2.checksum());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol", "byol_lc", "triplet"})
    void restoredReplicaContinuesIdentically(String objective) {
        ScrlConfig cfg = Fixtures.tiny(objective);
        SyntheticChunks d = data(cfg);
        try (TrainingCore a = TrainingCore.create(cfg, 10); TrainingCore b = TrainingCore.create(cfg, 10)) {
            a.step(List.of(d.chunk(0, 0, 8)), HYPER);
            a.step(List.of(d.chunk(0, 8, 8)), HYPER);
            b.step(List.of(d.chunk(5, 64, 8)), HYPER); // b drifts elsewhere first
            TrainingState s = a.snapshot();
            assertNotEquals(a.checksum(), b.checksum());
            b.restore(s);
            assertEquals(a.checksum(), b.checksum());
            assertEquals(2, b.globalStep());
            a.step(List.of(d.chunk(0, 16, 8)), HYPER);
            b.step(List.of(d.chunk(0, 16, 8)), HYPER);
            assertEquals(a.checksum(), b.checksum());
            TrainingState after = b.snapshot();
            assertArrayEquals(a.snapshot().momentum(), after.momentum());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol_lc"})
    void stateOfAnotherArchitectureIsRefused(String objective) {
        try (TrainingCore a = TrainingCore.create(Fixtures.tiny(objective), 10);
                TrainingCore b = TrainingCore.create(Fixtures.tiny(objective, "network/width=16",
                        "network/proj_head/input_size=128"), 10)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(a.snapshot()));
            assertTrue(e.getMessage().contains("another architecture"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"independent", "copy"})
    void targetInitialisationFollowsTheConfig(String init) {
        try (TrainingCore core = TrainingCore.create(Fixtures.tiny("scrl", "network/target_init=" + init), 10)) {
            TrainingState s = core.snapshot();
            float[] head = java.util.Arrays.copyOf(s.online(), s.target().length);
            if (init.equals("copy")) {
                assertArrayEquals(head, s.target());
            } else {
                assertTrue(!java.util.Arrays.equals(head, s.target()), "independent init differs");
            }
        }
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
