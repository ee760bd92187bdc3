package org.elasticscrl.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.train.Contribution;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.core.train.Update;
import org.junit.jupiter.api.Test;

/**
 * The simulated replica the scaling and churn benchmarks run: its pseudo-gradients are a pure function of the run's
 * seed and the chunks (so two replicas agree, and a chunk missed or counted twice shows), its state folds in every
 * element of an update (so I1's checksums compare what was applied), and a chunk takes at least its stated time.
 */
class SimulatedReplicaTest {
    private static final ScrlConfig CFG = ConfigLoader.load("scrl_cpu", List.of("--dataset/train_size=384",
            "--train/batch_size_train=32", "--train/chunk_size=8"));
    private static final SimulatedReplica.Settings SIM = new SimulatedReplica.Settings(10_007, 0.02, 64);

    private static SimulatedReplica replica() {
        return SimulatedReplica.of(CFG, SIM, 384);
    }

    @Test
    void twoReplicasContributeTheSameForTheSameChunksAndOtherwiseForOthers() throws Exception {
        SimulatedReplica a = replica();
        SimulatedReplica b = replica();
        Contribution ca = a.compute(a.load(1, List.of(0, 1, 2)).get());
        Contribution cb = b.compute(b.load(1, List.of(0, 1, 2)).get());
        assertArrayEquals(ca.gradientSum(), cb.gradientSum());
        assertEquals(24, ca.samples());
        assertEquals(SIM.parameters(), ca.gradientSum().length);
        assertEquals(a.gradientLength(), ca.gradientSum().length);
        // a contribution holds until the replica computes the next (the worker has published it by then): keep a copy
        float first = ca.gradientSum()[5];
        Contribution other = a.compute(a.load(1, List.of(0, 1, 3)).get());
        assertNotEquals(first, other.gradientSum()[5], "another chunk, another contribution");
        float second = other.gradientSum()[5];
        Contribution otherEpoch = a.compute(a.load(2, List.of(0, 1, 2)).get());
        assertNotEquals(first, otherEpoch.gradientSum()[5], "the same chunk numbers of another epoch");
        assertNotEquals(second, otherEpoch.gradientSum()[5]);
        // canonical mode: one per chunk, adding up to the lease's sum
        List<Contribution> each = a.computeEach(a.load(1, List.of(0, 1, 2)).get());
        assertEquals(3, each.size());
        float sum = 0;
        for (Contribution c : each) {
            sum += c.gradientSum()[5];
        }
        assertEquals(first, sum, Math.abs(sum) * 1e-5f);
    }

    @Test
    void aChunkTakesAtLeastItsStatedComputeTime() throws Exception {
        SimulatedReplica a = replica();
        var loaded = a.load(1, List.of(0, 1, 2, 3, 4));
        long t0 = System.nanoTime();
        a.compute(loaded.get());
        assertTrue(System.nanoTime() - t0 >= 5 * 20_000_000L, "5 chunks of 20 ms");
    }

    @Test
    void replicasThatAppliedTheSameUpdatesAgreeAndADifferentUpdateShows() throws Exception {
        SimulatedReplica a = replica();
        SimulatedReplica b = replica();
        Contribution c = a.compute(a.load(1, List.of(0, 1)).get());
        Update u = Update.mean(c, new StepHyper(0.1, 0.99, 0));
        assertEquals(a.apply(u, true), b.apply(u, true));
        float[] nudged = u.meanGradient().clone();
        nudged[nudged.length - 1] += 1e-3f; // the last element too lands in the state
        long differs = replica().apply(new Update(nudged, u.meanStatistics(), u.hyper()), true);
        long same = replica().apply(u, true);
        assertNotEquals(same, differs);
        // a joiner copies the state: it then agrees after the next commit
        SimulatedReplica joiner = replica();
        TrainingState s = a.snapshot();
        joiner.restore(s);
        assertEquals(a.apply(u, true), joiner.apply(u, true));
        assertEquals(0, a.apply(u, false), "no checksum unless asked");
        var foreign = new TrainingState("resnet18-w16", 1, new float[1], new float[1], new float[1], new float[1]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> joiner.restore(foreign)).getMessage()
                .contains("resnet18-w16"));
    }

    @Test
    void aBadSimulationSpecNamesTheFlagAndWhatIsAccepted() {
        assertEquals(new SimulatedReplica.Settings(25_600_000, 0.4, 65_536),
                SimulatedReplica.Settings.parse("25600000:0.4"));
        assertEquals(1024, SimulatedReplica.Settings.parse("100:0:1024").stateFloats());
        for (String bad : List.of("25600000", "x:0.4", "100:0.4:1000", "0:1", "100:-1")) {
            var e = assertThrows(IllegalArgumentException.class, () -> SimulatedReplica.Settings.parse(bad), bad);
            assertTrue(e.getMessage().contains("simulat"), e.getMessage());
        }
    }
}
