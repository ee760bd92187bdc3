package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.data.SyntheticChunks;
import org.junit.jupiter.api.Test;

/**
 * The LC-loss local projection branch is replicated state like the other heads: in the online slab
 * (so LARS-grouped and in the momentum), mirrored in the target slab at the same offsets (so the
 * EMA covers it), its BatchNorm statistics in the buffers, all in the layout and the checksum.
 */
class LocalBranchTest {
    private static final StepHyper HYPER = new StepHyper(0.5, 0.99, 1e-6);

    @Test
    void theBranchSitsBetweenProjectorAndPredictorAndIsMirroredInTheTarget() {
        try (TrainingCore core = TrainingCore.create(Fixtures.tiny("byol_lc"), 10)) {
            StateLayout layout = core.stateLayout();
            List<String> online = layout.online().stream().map(StateLayout.Slot::name).toList();
            List<String> local = online.stream().filter(n -> n.startsWith("local_projector.")).toList();
            assertEquals(List.of("local_projector.net.0.weight", "local_projector.net.0.bias",
                    "local_projector.net.1.weight", "local_projector.net.1.bias",
                    "local_projector.net.3.weight", "local_projector.net.3.bias"), local);
            assertArrayEquals(new long[] {64, 64, 1, 1}, slot(layout.online(), "local_projector.net.0.weight").shape());
            assertArrayEquals(new long[] {32, 64, 1, 1}, slot(layout.online(), "local_projector.net.3.weight").shape());
            assertTrue(online.indexOf("projector.net.3.weight") < online.indexOf(local.get(0))
                    && online.indexOf(local.get(5)) < online.indexOf("predictor.net.0.weight"));
            // the EMA runs over the online slab's prefix: the target must be that prefix, slot by slot
            for (int i = 0; i < layout.target().size(); i++) {
                StateLayout.Slot t = layout.target().get(i);
                StateLayout.Slot o = layout.online().get(i);
                assertEquals("target." + o.name(), t.name());
                assertEquals(o.offset(), t.offset());
            }
            assertEquals("target.local_projector.net.3.bias", layout.target().get(layout.target().size() - 1).name());
            List<String> buffers = layout.buffers().stream().map(StateLayout.Slot::name).toList();
            assertTrue(buffers.contains("local_projector.net.1.running_mean"));
            assertTrue(buffers.contains("target.local_projector.net.1.running_var"));
        }
        try (TrainingCore byol = TrainingCore.create(Fixtures.tiny("byol"), 10)) {
            assertTrue(byol.stateLayout().online().stream().noneMatch(s -> s.name().contains("local_projector")));
        }
    }

    @Test
    void theBranchIsGroupedLikeTheProjector() {
        try (TrainingCore core = TrainingCore.create(Fixtures.tiny("byol_lc"), 10)) {
            Slab online = core.networks().online;
            List<ParamGroups.Segment> reference = ParamGroups.of(online, "reference_name", false);
            assertEquals(ParamGroups.Group.LARS, group(reference, "local_projector.net.0.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(reference, "local_projector.net.0.bias"));
            assertEquals(ParamGroups.Group.LARS, group(reference, "local_projector.net.1.weight"));
            assertEquals(ParamGroups.Group.EXCLUDED, group(reference, "local_projector.net.3.bias"));
            List<ParamGroups.Segment> typed = ParamGroups.of(online, "param_type", false);
            assertEquals(ParamGroups.Group.EXCLUDED, group(typed, "local_projector.net.1.weight"));
            assertEquals(ParamGroups.Group.LARS, group(typed, "local_projector.net.3.weight"));
        }
    }

    @Test
    void aStepTrainsTheBranchAndTheEmaFollowsIt() {
        var cfg = Fixtures.tiny("byol_lc", "network/target_init=copy");
        SyntheticChunks data = new SyntheticChunks(cfg.seed(), 96, 128, 32, 10, 0.2).withPlainFirstView();
        try (TrainingCore core = TrainingCore.create(cfg, 10)) {
            StateLayout.Slot w = slot(core.stateLayout().online(), "local_projector.net.3.weight");
            StateLayout.Slot mean = slot(core.stateLayout().buffers(), "target.local_projector.net.1.running_mean");
            TrainingState before = core.snapshot();
            core.step(List.of(data.chunk(0, 0, 8)), new StepHyper(0.5, 0.0, 1e-6)); // τ 0: target := online
            TrainingState after = core.snapshot();
            assertNotEquals(range(before.online(), w), range(after.online(), w), "the online branch learns");
            assertTrue(range(after.momentum(), w).stream().anyMatch(v -> v != 0), "and has LARS momentum");
            assertArrayEquals(Arrays.copyOf(after.online(), after.target().length), after.target(),
                    "with τ = 0 the whole target head, local branch included, is the online head");
            assertNotEquals(range(before.buffers(), mean), range(after.buffers(), mean),
                    "the target branch's BatchNorm statistics move");
        }
    }

    @Test
    void onlyTheByolLcNetworksHaveTheBranch() {
        try (TrainingCore core = TrainingCore.create(Fixtures.tiny("triplet"), 10)) {
            assertThrows(IllegalStateException.class, () -> core.networks().localProject(null));
        }
    }

    private static StateLayout.Slot slot(List<StateLayout.Slot> slots, String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Float> range(float[] values, StateLayout.Slot s) {
        List<Float> out = new java.util.ArrayList<>();
        for (long i = s.offset(); i < s.offset() + s.size(); i++) {
            out.add(values[(int) i]);
        }
        return out;
    }

    private static ParamGroups.Group group(List<ParamGroups.Segment> groups, String name) {
        return groups.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().group();
    }
}
