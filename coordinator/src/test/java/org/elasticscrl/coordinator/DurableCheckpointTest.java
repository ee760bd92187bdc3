package org.elasticscrl.coordinator;

import static org.elasticscrl.coordinator.CoordinatorHarness.WAIT;
import static org.elasticscrl.coordinator.CoordinatorHarness.copyPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointLoaded;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointSaved;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.LoadCheckpoint;
import org.elasticscrl.protocol.WorkerProtocol.ProvideState;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable checkpoints and the whole-cluster restart, coordinator side: copies asked of two holders
 * right after every N-th commit and recorded in the manifest; a coordinator with no live run
 * state resumes from the newest durable checkpoint one worker loads (falling back to an older one
 * when no worker can read it); a run directory with commits but nothing to resume is refused.
 */
class DurableCheckpointTest {
    /** 3 steps of 4 chunks of 8 per epoch (96 samples), 2 epochs: steps 0–5. */
    private static final String[] RUN = {"--train/chunk_size=8", "--train/batch_size_train=32", "--train/max_epochs=2",
        "--train/warmup_epochs=1", "--cluster/checkpoint_every_steps=2", "--cluster/checkpoint_copies=2",
        "--cluster/checkpoints_kept=2", "--cluster/min_workers=2"};

    private static final ActorTestKit KIT = ActorTestKit.create();
    @TempDir
    Path dir;
    private CoordinatorHarness h;

    @AfterAll
    static void down() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everySecondCommitIsCopiedByTwoHoldersAndTheManifestKeepsTheNewestTwo() throws Exception {
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        TestProbe<WorkerProtocol.Command> m0 = KIT.createTestProbe();
        TestProbe<WorkerProtocol.Command> m1 = KIT.createTestProbe();
        h.autoWorker("w-0", 100, m0, l -> false, l -> false);
        h.autoWorker("w-1", 100, m1, l -> false, l -> false);
        h.finished.expectMessageClass(Coordinator.Finished.class, WAIT.multipliedBy(4));

        for (var monitor : List.of(m0, m1)) {
            List<Long> asked = new ArrayList<>();
            List<List<Long>> kept = new ArrayList<>();
            var all = drain(monitor);
            long lastCommit = -1;
            for (var m : all) {
                if (m instanceof WorkerProtocol.Commit c) {
                    lastCommit = c.step();
                } else if (m instanceof WorkerProtocol.SaveCheckpoint s) {
                    assertEquals(lastCommit, s.step(), "a copy is asked right after its commit");
                    assertTrue(s.runState().contains("\"committed_step\":" + s.step()), s.runState());
                    asked.add(s.step());
                    kept.add(s.keepSteps());
                }
            }
            assertEquals(List.of(1L, 3L, 5L), asked, "copies after steps 1, 3 and 5");
            // a holder deletes only what is older than the newest durable checkpoints (the manifest's two)
            assertEquals(List.of(List.of(), List.of(1L), List.of(3L, 1L)), kept);
        }
        var manifest = CheckpointManifest.JSON.readValue(dir.resolve(CheckpointManifest.FILE).toFile(),
                CheckpointManifest.Contents.class);
        assertEquals("run", manifest.runId());
        assertEquals(List.of(3L, 5L), manifest.checkpoints().stream().map(CheckpointManifest.Entry::step).toList());
        for (var e : manifest.checkpoints()) {
            assertEquals(Set.of(copyPath("w-0", e.step()), copyPath("w-1", e.step())),
                    e.copies().stream().map(CheckpointManifest.Copy::path).collect(Collectors.toSet()));
            assertEquals(e.step(), e.runState().committedStep());
            assertEquals("c0ffee", e.copies().get(0).crc32c());
        }
        assertEquals(5, manifest.checkpoints().get(1).runState().committedStep());
        assertEquals(3, h.events("checkpoint-durable", 3).size());
    }

    /** Everything a probe received so far. */
    private static List<WorkerProtocol.Command> drain(TestProbe<WorkerProtocol.Command> p) {
        List<WorkerProtocol.Command> out = new ArrayList<>();
        while (true) {
            try {
                out.add(p.expectMessageClass(WorkerProtocol.Command.class, java.time.Duration.ofMillis(200)));
            } catch (AssertionError e) {
                return out;
            }
        }
    }

    /** A manifest with durable checkpoints after steps 1 and 3, and commits.csv up to step 4 (the crash). */
    private void crashedRun() throws Exception {
        var cfg = org.elasticscrl.config.ConfigLoader.load("scrl_cpu", List.of(RUN));
        var m = CheckpointManifest.open(dir, "run", 2, 2);
        for (long step : List.of(1L, 3L)) {
            m.begin(new RunState("run", step, 2, 96, 0, 0.5 * (step % 3 + 1) * 32, (step % 3 + 1) * 32, false, 2, 1),
                    (int) (step / 3), (int) (step % 3), List.of("w-0", "w-1"));
            for (String w : List.of("w-0", "w-1")) {
                m.saved(step, new CheckpointManifest.Copy(w, "node", copyPath(w, step), "1", 10), "");
            }
        }
        try (var files = new RunFiles(dir)) {
            for (int s = 0; s <= 4; s++) {
                files.commit(s, s / 3, s % 3, 0, 32, 0.1, 0.99, 0, 0.5, 1, java.util.Map.of(0, "w-0"));
            }
        }
        assertEquals(2, cfg.cluster().checkpointCopies());
    }

    @Test
    void aRestartedClusterResumesFromTheNewestDurableCheckpointOneWorkerLoads() throws Exception {
        crashedRun();
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        Fake w0 = h.register("w-1");
        h.send(new WorkerReady("w-1", 96, -1));
        var load = w0.expect(LoadCheckpoint.class);
        assertEquals(3, load.step());
        assertEquals(List.of(copyPath("w-1", 3), copyPath("w-0", 3)), load.paths(), "its own copy first");
        assertEquals(List.of("1", "1"), load.crc32c(), "what the manifest records of each copy, to check it against");
        assertEquals(List.of(10L, 10L), load.bytes());
        assertEquals("run", load.runId());
        h.send(new CheckpointLoaded("w-1", 3, copyPath("w-1", 3), ""));
        assertEquals(3, w0.expect(SyncFrom.class).step());
        Lease first = w0.lease();
        assertEquals(4, first.step(), "the run goes on after the checkpoint's step");
        assertEquals(2, first.epoch());
        assertEquals(List.of(4, 5, 6, 7), first.chunks(), "at the checkpoint's ledger position: step 1 of epoch 2");

        Fake w1 = h.register("w-0");
        h.send(new WorkerReady("w-0", 96, -1));
        assertEquals("w-0", w0.expect(ProvideState.class).forWorker(), "a second worker copies the restored one");
        assertEquals(1, h.events("restored", 1).size());
        w1.probe().expectNoMessage(java.time.Duration.ofMillis(200));
    }

    /** The layout travels with the run state: before its own first commit, a restarted run refuses another one. */
    @Test
    void aRestartedRunKnowsItsLayoutBeforeItsFirstCommit() throws Exception {
        crashedRun();
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        Fake w = h.register("w-0");
        h.send(new WorkerReady("w-0", 96, -1));
        w.expect(LoadCheckpoint.class);
        h.send(new CheckpointLoaded("w-0", 3, copyPath("w-0", 3), ""));
        w.expect(SyncFrom.class);
        var honest = h.answer(w, w.lease());
        float[][] parts = h.tensors.read(honest.blob());
        parts[0] = java.util.Arrays.copyOf(parts[0], parts[0].length + 1);
        h.send(CoordinatorHarness.withBlob(honest, honest.metrics(), h.tensors.publish(parts)));
        String event = h.events("invalid-contribution", 1).get(0);
        assertTrue(event.contains("the run's layout is [2, 1]"), event);
    }

    /**
     * The crashed run's coordinator (generation 0) numbered its shard sums from 0, renumbering a step's only when it
     * discarded one. A coordinator that continues the run numbers its own above all of those: an owner may still hold
     * the earlier one's sum of the step now summed again, cut by another plan, and must not take it for this one —
     * after a takeover in the sharded chaos campaign it did, refused every add into it, and the run stalled.
     */
    @Test
    void aResumedRunNeverReusesTheShardSumsOfTheCoordinatorBefore() throws Exception {
        crashedRun();
        List<String> args = new ArrayList<>(List.of(RUN));
        args.add("--cluster/aggregation=sharded");
        h = new CoordinatorHarness(KIT, dir, 96, args.toArray(String[]::new));
        Fake w = h.register("w-0");
        h.send(new WorkerReady("w-0", 96, -1));
        w.expect(LoadCheckpoint.class);
        h.send(new CheckpointLoaded("w-0", 3, copyPath("w-0", 3), ""));
        w.expect(SyncFrom.class);
        Lease l = w.lease();
        assertEquals(List.of(0, 3), l.shardCuts(), "sharded from its first step: the layout came with the run state");
        h.send(h.sliced("w-0", l, 100));
        var add = w.expect(WorkerProtocol.AddToShard.class);
        assertEquals(List.of(4L, 0, l.leaseId()), List.of(add.step(), add.shard(), add.lease()));
        assertTrue(add.generation() >= 1 << 16, "generation " + add.generation() + " is one the coordinator before"
                + " may have used for step 4");
    }

    @Test
    void whenNoWorkerCanReadTheNewestTheRunGoesBackToTheOlderOne() throws Exception {
        crashedRun();
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        Fake a = h.register("w-0");
        Fake b = h.register("w-9");
        h.send(new WorkerReady("w-0", 96, -1));
        h.send(new WorkerReady("w-9", 96, -1));
        assertEquals(3, a.expect(LoadCheckpoint.class).step());
        h.send(new CheckpointLoaded("w-0", 3, "", "no readable copy"));
        var other = b.expect(LoadCheckpoint.class);
        assertEquals(3, other.step());
        assertEquals(List.of(copyPath("w-0", 3), copyPath("w-1", 3)), other.paths());
        h.send(new CheckpointLoaded("w-9", 3, "", "no readable copy"));
        var older = a.expect(LoadCheckpoint.class);
        assertEquals(1, older.step());
        h.send(new CheckpointLoaded("w-0", 1, copyPath("w-0", 1), ""));
        assertEquals(1, a.expect(SyncFrom.class).step());
        assertEquals("w-9", a.expect(ProvideState.class).forWorker(), "the other waiting worker copies it");
        assertEquals(2, a.lease().step());
        assertEquals(2, h.events("checkpoint-unreadable", 2).size());
    }

    /**
     * Every replica dies mid-run with the coordinator alive: a worker that joins afterwards waits for a
     * state nobody holds. After a grace period the run goes back to the newest durable checkpoint, which
     * that worker loads, and the steps after it are computed again — the old coordinator waited for good.
     */
    @Test
    void withNoLiveReplicaLeftAJoinerLoadsTheNewestDurableCheckpoint() throws Exception {
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        Fake[] w = h.two();
        for (long step = 0; step <= 2; step++) {
            for (Fake f : w) {
                h.send(h.answer(f, f.lease()));
            }
            for (Fake f : w) {
                assertEquals(step, f.commit().step());
                if (step == 1) {
                    assertEquals(1, f.expect(WorkerProtocol.SaveCheckpoint.class).step());
                    h.send(new CheckpointSaved(f.id(), 1, copyPath(f.id(), 1), 0xC0FFEEL, 1000, ""));
                }
            }
        }
        h.events("checkpoint-durable", 1);
        for (Fake f : w) { // step 3 under way: both replicas die
            f.lease();
            h.send(new WorkerFailed(f.id(), "its JVM", "killed"));
        }
        Fake c = h.register("c");
        h.send(new WorkerReady("c", 96, -1));
        assertTrue(h.events("waiting", 1).get(0).contains("going back to the newest durable checkpoint"));
        var load = c.probe().expectMessageClass(LoadCheckpoint.class, StateSync.ORPHANED.plus(WAIT));
        assertEquals(1, load.step());
        assertTrue(h.events("fallback", 1).get(0).contains("no live replica holds step 2: going back to the durable"
                + " checkpoint after step 1 (1 committed steps are computed again)"));
        h.send(new CheckpointLoaded("c", 1, copyPath("a", 1), ""));
        assertEquals(1, c.expect(SyncFrom.class).step());
        Lease again = c.lease();
        assertEquals(2, again.step(), "step 2 is computed again");
        h.send(h.answer(c, again));
        assertEquals(2, c.commit().step());
        assertEquals(3, c.lease().step());
    }

    @Test
    void aRunDirectoryWithCommitsButNoDurableCheckpointIsNotRestartedFromScratch() throws Exception {
        try (var files = new RunFiles(dir)) {
            files.commit(0, 0, 0, 0, 32, 0.1, 0.99, 0, 0.5, 1, java.util.Map.of(0, "w-0"));
        }
        h = new CoordinatorHarness(KIT, dir, 96, RUN);
        var f = h.finished.expectMessageClass(Coordinator.Finished.class, WAIT);
        assertTrue(f.error().contains("already holds run run up to step 0 and no durable checkpoint"), f.error());
    }
}
