package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.config.TauSchedule;
import org.elasticscrl.coordinator.CoordinatorHarness.CommitRow;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.plan.EpochPlan;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator actor against fake workers: the ledger's exactly-once under re-lease, faults and
 * joins (I2), leases by speed, refusal of stale contributions, commit only when complete, and the
 * schedules of every commit (I3). Time is manual, so lease deadlines expire exactly when a test
 * says and never on a slow machine.
 */
class CoordinatorTest extends ManualTimeKit {
    /** Samples per step in most tests: 4 chunks of 8. */
    private static final String[] FOUR_CHUNKS = {"--train/chunk_size=8", "--train/batch_size_train=32",
        "--train/max_epochs=2", "--train/warmup_epochs=1"};
    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path dir;
    private CoordinatorHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private CoordinatorHarness harness(int datasetSize, String... overrides) {
        List<String> args = new ArrayList<>(List.of(FOUR_CHUNKS));
        args.addAll(List.of(overrides));
        h = new CoordinatorHarness(kit, dir, datasetSize, args.toArray(String[]::new));
        return h;
    }

    @Test
    void anExpiredLeaseIsReLeasedAndItsLateContributionRefused() {
        harness(96, "--cluster/min_workers=2", "--cluster/deadline_floor_s=1", "--cluster/deadline_cap_s=1");
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        assertEquals(List.of(0, 1, 2, 3), concat(la.chunks(), lb.chunks()));
        h.send(h.answer(w[1], lb));
        w[1].probe().expectNoMessage(QUIET);
        time.timePasses(Duration.ofMillis(900)); // within a's deadline: nothing moves
        w[1].probe().expectNoMessage(QUIET);
        time.timePasses(Duration.ofMillis(200));
        Lease again = w[1].lease();
        assertEquals(la.chunks(), again.chunks());
        assertEquals(0, again.step());
        assertNotEquals(la.leaseId(), again.leaseId());
        // a answers after all: refused, the step still waits for b's copy of those chunks
        h.send(h.answer(w[0], la));
        h.events("refused-contribution", 1);
        w[0].probe().expectNoMessage(QUIET);
        w[1].probe().expectNoMessage(Duration.ZERO);
        h.send(h.answer(w[1], again));
        Commit c = w[1].commit();
        assertEquals(c, w[0].commit());
        h.checkUpdate(c, 1, List.of(0, 1, 2, 3)); // 32 samples: a's 16 were not added
        assertEquals(Map.of(0, "b", 1, "b", 2, "b", 3, "b"), h.commits(1).get(0).chunks());
        assertTrue(h.events("deadline-missed", 1).get(0).contains("lease " + la.leaseId()));
        // having answered, a is free again: step 1 is leased to both
        assertEquals(1, w[0].lease().step());
        assertEquals(1, w[1].lease().step());
    }

    @Test
    void everySampleOfAnEpochIsCommittedOnceThroughAHangACrashAndAJoin() {
        // 100 samples: 13 chunks (the last of 4 samples) in 4 steps (the last of 1 chunk)
        harness(100, "--cluster/min_workers=2", "--cluster/deadline_floor_s=1", "--cluster/deadline_cap_s=1");
        TestProbe<WorkerProtocol.Command> pa = kit.createTestProbe();
        TestProbe<WorkerProtocol.Command> pb = kit.createTestProbe();
        TestProbe<WorkerProtocol.Command> pc = kit.createTestProbe();
        h.autoWorker("a", 50, pa, l -> l.step() == 1, l -> false); // a hangs on step 1
        h.autoWorker("b", 50, pb, l -> false, l -> l.step() == 2); // b dies when leased step 2
        fish(pa, m -> m instanceof Lease l && l.step() == 1);
        h.autoWorker("c", 50, pc, l -> false, l -> false); // c joins during step 1
        fish(pc, m -> m instanceof SyncFrom s && s.step() == 0);
        h.events("active", 3);
        time.timePasses(Duration.ofMillis(1100)); // a's deadline
        fish(pc, m -> m instanceof Commit c && c.step() == 3);

        List<CommitRow> epoch1 = h.commits(4);
        EpochPlan plan = h.plan(1);
        List<Integer> chunks = new ArrayList<>();
        List<Integer> samples = new ArrayList<>();
        for (CommitRow r : epoch1) {
            assertEquals(1, r.epoch());
            assertEquals(plan.chunksOfStep(r.stepInEpoch()), List.copyOf(new TreeMap<>(r.chunks()).keySet()));
            assertEquals(h.samples(1, List.copyOf(r.chunks().keySet())), r.samples());
            chunks.addAll(r.chunks().keySet());
            r.chunks().keySet().forEach(c -> IntStream.of(plan.chunk(c)).forEach(samples::add));
        }
        assertEquals(IntStream.range(0, 13).boxed().toList(), chunks.stream().sorted().toList());
        assertEquals(IntStream.range(0, 100).boxed().toList(), samples.stream().sorted().toList());
        // the hung worker answered nothing after step 0, the dead one nothing after step 1
        assertTrue(epoch1.stream().skip(1).noneMatch(r -> r.chunks().containsValue("a")), epoch1.toString());
        assertTrue(epoch1.stream().skip(2).noneMatch(r -> r.chunks().containsValue("b")), epoch1.toString());
        assertTrue(epoch1.get(1).chunks().containsValue("c"), "the joiner took some of a's chunks");
        assertEquals(1, h.events("gone", 1).size());
    }

    @Test
    void leasesFollowTheWorkersMeasuredSpeeds() {
        // 6 chunks of 8 per step, 5 steps per epoch; summed (not per-chunk) contributions
        harness(240, "--train/batch_size_train=48", "--cluster/min_workers=2", "--cluster/canonical_sum=false");
        TestProbe<WorkerProtocol.Command> fast = kit.createTestProbe();
        TestProbe<WorkerProtocol.Command> slow = kit.createTestProbe();
        h.autoWorker("fast", 40, fast, l -> false, l -> false);
        h.autoWorker("slow", 20, slow, l -> false, l -> false);
        Map<Long, Integer> fastChunks = leasedChunks(fish(fast, m -> m instanceof Commit c && c.step() == 4));
        Map<Long, Integer> slowChunks = leasedChunks(fish(slow, m -> m instanceof Commit c && c.step() == 4));
        // step 0: nobody measured yet, an even split; then 2:1 like the speeds
        assertEquals(3, fastChunks.get(0L));
        assertEquals(3, slowChunks.get(0L));
        for (long s = 1; s <= 4; s++) {
            assertEquals(4, fastChunks.get(s), "fast worker's chunks in step " + s);
            assertEquals(2, slowChunks.get(s), "slow worker's chunks in step " + s);
        }
        for (CommitRow r : h.commits(5)) { // the ledger agrees with the leases
            assertEquals(r.step() == 0 ? 3 : 4, r.chunks().values().stream().filter("fast"::equals).count());
        }
    }

    @Test
    void noCommitWhileAnyChunkIsOutstanding() {
        harness(96, "--cluster/min_workers=2");
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(h.answer(w[0], la));
        w[0].probe().expectNoMessage(QUIET);
        w[1].probe().expectNoMessage(Duration.ZERO);
        assertTrue(h.readCommits().isEmpty());
        h.send(h.answer(w[1], lb));
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        assertEquals(0, c.step());
        h.checkUpdate(c, 1, concat(la.chunks(), lb.chunks()));
        assertEquals(1, w[0].lease().step()); // the next step is leased after the commit
    }

    /**
     * A commit is announced only once a majority of coordinator nodes holds the run state after it:
     * a standby taking over from an older state would roll back replicas that applied the step.
     */
    @Test
    void aCommitIsAnnouncedOnlyOnceAMajorityStoredItsState() {
        harness(96, "--cluster/min_workers=2");
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.replicationCut.set(true);
        h.send(h.answer(w[0], la));
        h.send(h.answer(w[1], lb));
        for (int attempt = 0; attempt < 3; attempt++) { // each store times out: nothing announced, nothing recorded
            w[0].probe().expectNoMessage(QUIET);
            w[1].probe().expectNoMessage(Duration.ZERO);
            assertTrue(h.readCommits().isEmpty());
            time.timePasses(Duration.ofSeconds(3));
        }
        h.replicationCut.set(false); // the retry after the next timeout reaches a majority
        time.timePasses(Duration.ofSeconds(3));
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        assertEquals(0, c.step());
        assertEquals(0, h.commits(1).get(0).step()); // the row follows the announcement: wait for it
        // the operator (and scrl chaos) sees the hold and its end in membership.csv
        assertTrue(h.events("replication-held", 1).get(0).contains("after step 0 is not stored by a majority"));
        String restored = h.events("replication-restored", 1).get(0);
        assertTrue(restored.matches(".*stored by a majority after [45] attempts.*"), restored);
    }

    /**
     * A commit whose record the disk refuses is not announced and the run waits (the operator sees why);
     * once space returns the record is written — once — and the run goes on. The old coordinator threw
     * after announcing, which stopped it.
     */
    @Test
    void aFullDiskHoldsTheCommitUntilItsRecordIsWritten() throws Exception {
        harness(96, "--cluster/min_workers=2");
        Fake[] w = h.two();
        h.diskFull.set(true);
        h.send(h.answer(w[0], w[0].lease()));
        h.send(h.answer(w[1], w[1].lease()));
        time.timePasses(Duration.ofSeconds(3)); // past the replication of the run state
        for (int attempt = 0; attempt < 2; attempt++) {
            w[0].probe().expectNoMessage(QUIET);
            w[1].probe().expectNoMessage(Duration.ZERO);
            time.timePasses(WriteStall.EVERY);
        }
        String status = h.ask("status", "").json();
        assertTrue(status.contains("\"state\":\"disk-full\"") && status.contains("cannot record the commit"), status);
        assertTrue(h.events("disk-full", 1).get(0).contains("No space left on device"));
        h.diskFull.set(false);
        time.timePasses(WriteStall.EVERY);
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        assertEquals(0, c.step());
        assertEquals(1, w[0].lease().step(), "the run goes on");
        assertEquals(List.of(0L), h.readCommits().stream().map(CommitRow::step).toList(), "the row once, whole");
        h.events("disk-ok", 1);
    }

    @Test
    void contributionsOfPastStepsOrOtherLeasesAreRefusedAndCountNothing() {
        harness(96, "--cluster/min_workers=2");
        Fake[] w = h.two();
        Lease la = w[0].lease();
        Lease lb = w[1].lease();
        h.send(h.answer(w[0], la));
        h.send(h.answer(w[1], lb));
        w[0].commit();
        w[1].commit();
        Lease la1 = w[0].lease();
        Lease lb1 = w[1].lease();
        // a's step-0 contribution again, its step-0 lease tagged step 1, b claiming a's lease; each
        // would measure its sender as very fast if it counted
        h.send(h.contribution("a", la.leaseId(), la.membershipEpoch(), 0, 1, la.chunks(), 1e-3));
        h.send(h.contribution("a", la.leaseId(), la1.membershipEpoch(), 1, 1, la1.chunks(), 1e-3));
        h.send(h.contribution("b", la1.leaseId(), la1.membershipEpoch(), 1, 1, la1.chunks(), 1e-3));
        assertEquals(3, h.events("refused-contribution", 3).size());
        w[0].probe().expectNoMessage(QUIET);
        w[1].probe().expectNoMessage(Duration.ZERO);
        h.send(h.answer(w[0], la1));
        h.send(h.answer(w[1], lb1));
        Commit c = w[0].commit();
        assertEquals(c, w[1].commit());
        h.checkUpdate(c, 1, concat(la1.chunks(), lb1.chunks()));
        Map<Integer, String> who = new HashMap<>();
        la1.chunks().forEach(k -> who.put(k, "a"));
        lb1.chunks().forEach(k -> who.put(k, "b"));
        assertEquals(who, h.commits(2).get(1).chunks());
        // equal measured speeds: an even split (a refused message that measured speed would skew it)
        assertEquals(2, w[0].lease().chunks().size());
        assertEquals(2, w[1].lease().chunks().size());
    }

    @Test
    void aJoinBumpsTheMembershipEpochAndAnotherEpochsTagIsRefused() {
        harness(96);
        Fake a = h.register("a");
        h.ready(a);
        a.expect(SyncFrom.class);
        Lease l0 = a.lease();
        assertEquals(1, l0.membershipEpoch()); // a became active
        h.send(h.answer(a, l0));
        assertEquals(1, a.commit().membershipEpoch());
        Lease l1 = a.lease();

        TestProbe<WorkerProtocol.Command> pb = kit.createTestProbe();
        h.send(new RegisterWorker("b", "cpu", CoordinatorHarness.MEMORY, 1, h.unsealing("b", pb.ref())));
        var welcome = pb.expectMessageClass(WorkerProtocol.Welcome.class);
        assertEquals(1, welcome.joinStep());
        Fake b = new Fake("b", pb);
        h.ready(b);
        assertEquals("b", a.expect(WorkerProtocol.ProvideState.class).forWorker());
        h.send(new StateOffered("a", "b", 0, h.tensors.publish(new float[] {0})));
        assertEquals(0, b.expect(SyncFrom.class).step());
        h.send(new SyncCompleted("b", 0));
        h.events("active", 2);
        // a's lease was given before the join: its contribution still counts
        h.send(h.answer(a, l1));
        Commit c1 = a.commit();
        assertEquals(c1, b.commit());
        assertEquals(2, c1.membershipEpoch());
        h.checkUpdate(c1, 1, l1.chunks());
        Lease la2 = a.lease();
        Lease lb2 = b.lease();
        assertEquals(2, la2.membershipEpoch());
        assertEquals(2, lb2.membershipEpoch());
        // b tags its lease with the epoch before its join: refused, and its chunks leased again
        h.send(h.contribution("b", lb2.leaseId(), 1, lb2.step(), lb2.epoch(), lb2.chunks(), 0.1));
        assertTrue(h.events("refused-contribution", 1).get(0).contains("membership epoch"));
        Lease again = b.lease();
        assertEquals(lb2.chunks(), again.chunks());
        h.send(h.answer(a, la2));
        a.probe().expectNoMessage(QUIET);
        h.send(h.answer(b, again));
        h.checkUpdate(a.commit(), 1, concat(la2.chunks(), lb2.chunks()));
    }

    @Test
    void everyCommitCarriesTheScheduleOfItsGlobalStep() {
        // 2 steps per epoch, 4 epochs: warm-up over steps 0-1, cosine decay over steps 2-7
        harness(64, "--train/chunk_size=16", "--train/max_epochs=4", "--train/m=0.9",
                "--train/optim/weight_decay=0.0005");
        Fake a = h.register("a");
        h.ready(a);
        a.expect(SyncFrom.class);
        double peak = h.cfg.train().scaledLr();
        var lr = new LrSchedule(peak, 1, 4, 2);
        var tau = new TauSchedule(0.9, 8);
        List<Commit> commits = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            Lease l = a.lease();
            assertEquals(s, l.step());
            h.send(h.answer(a, l));
            Commit c = a.commit();
            commits.add(c);
            assertEquals(s, c.step());
            assertEquals(lr.valueAt(s), c.lr(), 1e-12, "lr of step " + s);
            assertEquals(tau.valueAt(s), c.tau(), 1e-12, "tau of step " + s);
            assertEquals(0.0005, c.weightDecay(), 0);
        }
        // the values themselves: half the peak, the peak, then down to 0; tau from 0.9 up towards 1
        assertEquals(peak / 2, commits.get(0).lr(), 1e-12);
        assertEquals(peak, commits.get(1).lr(), 1e-12);
        assertEquals(0, commits.get(7).lr(), 1e-12);
        assertEquals(0.9, commits.get(0).tau(), 1e-12);
        for (int s = 1; s < 8; s++) {
            assertTrue(s < 2 || commits.get(s).lr() < commits.get(s - 1).lr(), "lr decays at step " + s);
            assertTrue(commits.get(s).tau() > commits.get(s - 1).tau(), "tau rises at step " + s);
        }
        // the last epoch ends with a checkpoint; then the run is over
        var task = a.expect(WorkerProtocol.RunTask.class);
        assertEquals("checkpoint", task.task());
        h.send(new TaskCompleted("a", "checkpoint", 4, "{}"));
        a.expect(WorkerProtocol.Release.class);
        assertEquals(8, h.finished.expectMessageClass(Coordinator.Finished.class).steps());
    }

    private static List<Integer> concat(List<Integer> x, List<Integer> y) {
        List<Integer> out = new ArrayList<>(x);
        out.addAll(y);
        out.sort(null);
        return out;
    }

    /** Messages to the probe up to and including the first that matches. */
    private static List<WorkerProtocol.Command> fish(TestProbe<WorkerProtocol.Command> p,
            Predicate<WorkerProtocol.Command> last) {
        List<WorkerProtocol.Command> seen = new ArrayList<>();
        while (seen.isEmpty() || !last.test(seen.get(seen.size() - 1))) {
            seen.add(p.receiveMessage(CoordinatorHarness.WAIT));
        }
        return seen;
    }

    /** Chunks leased per step. */
    private static Map<Long, Integer> leasedChunks(List<WorkerProtocol.Command> messages) {
        Map<Long, Integer> out = new HashMap<>();
        messages.stream().filter(m -> m instanceof Lease).map(m -> (Lease) m)
                .forEach(l -> out.merge(l.step(), l.chunks().size(), Integer::sum));
        return out;
    }
}
