package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.ScrlMessageSerializer;
import org.elasticscrl.protocol.WorkerProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Who may compute for a run once it proved who it is: kernels, device, crash loops; and mixed kinds. */
class WorkerFitnessTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final String REF = "pekko://scrl@127.0.0.1:40000/user/worker#42";
    private static final String SIGFPE = "SIGFPE (0x8) in C [libtorch_cpu.so+0x2f1c0e4]"
            + " dnnl::impl::cpu::x64::brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1()+0x74";

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static RegisterWorker worker(String id, String device, String kernels, boolean deterministic,
            List<String> crashes, TestProbe<WorkerProtocol.Command> probe) {
        return new RegisterWorker(id, device, 1L << 30, 2, probe == null ? null : probe.ref(),
                ScrlMessageSerializer.PROTOCOL_VERSION, "", "", kernels, deterministic, crashes, "");
    }

    @Test
    void aDeterministicRunAdmitsOnlyDeterministicKernelsOnACpu() {
        Admission deterministic = new Admission(ClusterSecret.NONE, true, new CrashLoops(3));
        assertNull(deterministic.refusal(worker("a", "cpu", "oneDNN AVX2 (capped), deterministic", true, List.of(), null), REF));
        String fastest = deterministic.refusal(worker("b", "cpu", "oneDNN AVX512_CORE_AMX, fastest", false, List.of(), null), REF);
        assertTrue(fastest.contains("not deterministic (oneDNN AVX512_CORE_AMX, fastest)"), fastest);
        assertTrue(fastest.contains("--kernels deterministic"), fastest);
        String gpu = deterministic.refusal(worker("c", "gpu:0", "cuda", true, List.of(), null), REF);
        assertTrue(gpu.contains("gpu:0") && gpu.contains("train.deterministic: false"), gpu);

        Admission open = new Admission(ClusterSecret.NONE, false, new CrashLoops(3));
        assertNull(open.refusal(worker("b", "cpu", "oneDNN AVX512_CORE_AMX, fastest", false, List.of(), null), REF));
        assertNull(open.refusal(worker("c", "gpu:0", "cuda", false, List.of(), null), REF));
    }

    @Test
    void aWorkerCrashingAtEveryAttemptIsRefusedAtTheLimitAndTheOperatorToldHow() {
        Admission admission = new Admission(ClusterSecret.NONE, true, new CrashLoops(3));
        List<String> told = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        TestProbe<WorkerProtocol.Command> probe = KIT.createTestProbe();
        for (int attempt = 1; attempt <= 4; attempt++) {
            String crash = SIGFPE + "; Sun Dec  6 10:1" + attempt + ":00 2026 UTC";
            // a worker re-sends its registration until answered: the same report twice counts once
            for (int resend = 0; resend < 2; resend++) {
                boolean no = admission.refuse(worker("w-7", "cpu", "k", true, List.of(crash), probe), REF + attempt,
                        (id, why) -> refused.add(id + ": " + why), (id, summary) -> told.add(id + ": " + summary));
                assertEquals(attempt >= 3, no, "attempt " + attempt);
                if (no) {
                    assertTrue(probe.expectMessageClass(WorkerProtocol.Refused.class).reason().contains(attempt + " times in a row"));
                }
            }
        }
        assertEquals(4, told.size(), "each crash told once: " + told);
        assertTrue(told.get(0).startsWith("w-7: SIGFPE (0x8) in C [libtorch_cpu.so"), told.get(0));
        assertEquals(2, refused.size(), "refusals logged once per JVM and reason: " + refused);
        assertTrue(refused.get(0).contains("est_eff_1x1") && refused.get(0).contains("cluster.max_worker_crashes"),
                refused.get(0));
        Map<String, Object> shown = admission.crashLoops().describe().get(0);
        assertEquals(Map.of("id", "w-7", "crashes", 4, "last", SIGFPE + "; Sun Dec  6 10:14:00 2026 UTC", "refused", true),
                shown);
    }

    @Test
    void aContributionClearsEarlierCrashes() {
        CrashLoops loops = new CrashLoops(2);
        loops.record("w", List.of("crash 1"));
        assertNull(loops.refusal("w"));
        loops.contributed("w");
        loops.record("w", List.of("crash 2"));
        assertNull(loops.refusal("w"), "only crashes in a row count");
        loops.record("w", List.of("crash 3"));
        assertTrue(loops.refusal("w").contains("2 times in a row"));
        assertNull(loops.refusal("other"));
    }

    @Test
    void crashesOfANodeWithoutTheSecretAreNotRecorded() {
        ClusterSecret secret = ClusterSecret.of("sixteen+ bytes secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Admission admission = new Admission(secret, false, new CrashLoops(1));
        TestProbe<WorkerProtocol.Command> probe = KIT.createTestProbe();
        List<String> told = new ArrayList<>();
        assertTrue(admission.refuse(worker("w-1", "cpu", "k", true, List.of("forged crash"), probe), REF, (id, why) -> { },
                (id, summary) -> told.add(summary)));
        assertEquals(List.of(), told);
        assertTrue(admission.crashLoops().describe().isEmpty(), "an intruder cannot get a worker refused");
    }

    @Test
    void mixedKindsAreToldOncePerChangeInDeterministicRunsOnly() {
        Membership<String> m = new Membership<>(0.5);
        m.add("a", "ref-a", "cpu", 1, 2).kernels("oneDNN AVX2 (capped), deterministic");
        WorkerKinds kinds = new WorkerKinds(true);
        assertTrue(kinds.check(m.all()).isEmpty());
        m.add("b", "ref-b", "cpu", 1, 4).kernels("oneDNN AVX2 (capped), deterministic");
        String told = kinds.check(m.all()).orElseThrow();
        assertTrue(told.contains("2 kinds") && told.contains("4 threads"), told);
        assertTrue(kinds.check(m.all()).isEmpty(), "told once");
        assertFalse(new WorkerKinds(false).check(m.all()).isPresent());
    }
}
