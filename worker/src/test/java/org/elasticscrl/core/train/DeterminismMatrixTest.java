package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.elasticscrl.platform.CpuInfo;
import org.elasticscrl.platform.KernelPolicy;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.platform.OneDnnIsa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The determinism promise on this machine's CPU, whatever it is, in child JVMs (oneDNN's kernels are
 * fixed when a JVM starts): for every ISA level this CPU supports, the kernels {@link KernelPolicy} picks
 * for a deterministic run on a CPU of that level, at 1, 2 and 4 compute threads, must give the same bits
 * for the same steps (run to run, split = fused, chunks computed by other replicas) — and oneDNN must say
 * it ran at that level, with no AVX-512 kernel. On an AVX-512 machine this proves the cap; on one without
 * it, the same code path sets it. Separately, applying fixed updates must give the same state at every
 * level, thread count and ATen vector ISA, uncapped kernels included (I1 on mixed hardware).
 */
class DeterminismMatrixTest {
    private static final int[] THREADS = {1, 2, 4};
    /** The checksum after fixed updates: one value whatever computed it. */
    private static final Set<String> UPDATES = new LinkedHashSet<>();
    private static CpuInfo cpu;

    @BeforeAll
    static void readCpu() {
        cpu = CpuInfo.read();
        System.out.println("CPU: " + cpu.describe() + "; oneDNN levels: " + OneDnnIsa.supported(cpu.flags()));
    }

    /** What the policy decides for a CPU like this one (same caches) whose newest level is {@code ceiling}. */
    static KernelPolicy.Decision decisionFor(OneDnnIsa ceiling) {
        CpuInfo like = new CpuInfo(cpu.arch(), cpu.vendor(), cpu.model(), ceiling.flags(), cpu.dataCacheBytes());
        assertEquals(ceiling, like.isaCeiling().orElseThrow());
        return KernelPolicy.decide(Choice.DETERMINISTIC, like, Map.of());
    }

    @Test
    void deterministicKernelsAtEveryLevelAndThreadCount() throws Exception {
        assertTrue(cpu.x86(), "the determinism promise is made for x86-64 only");
        Set<OneDnnIsa> levels = new TreeSet<>();
        for (OneDnnIsa ceiling : OneDnnIsa.supported(cpu.flags())) {
            KernelPolicy.Decision d = decisionFor(ceiling);
            assertTrue(d.deterministic(), ceiling + ": " + d);
            levels.add(d.effective().orElseThrow());
        }
        assertFalse(levels.isEmpty(), "this CPU supports no oneDNN level");
        for (OneDnnIsa level : levels) {
            assertTrue(level.atOrBelow(OneDnnIsa.AVX2), "the policy let " + level + " through");
            for (int threads : THREADS) {
                DeterminismProbe.Outcome p = probe(Map.of("ONEDNN_MAX_CPU_ISA", level.name()), threads);
                String where = level + " x " + threads + " threads";
                assertEquals(threads, p.result().get("threads").asInt(), where);
                p.result().get("objectives").properties().forEach(o ->
                        assertTrue(o.getValue().get("agree").asBoolean(), where + ", " + o.getKey() + ": " + o.getValue()));
                assertEquals(Set.of(isaBanner(level)), p.isaBanners(), where + ": oneDNN ran at another level");
                assertTrue(p.kernels().keySet().stream().noneMatch(k -> k.contains("avx512") || k.contains("amx")),
                        where + ": AVX-512 kernels ran: " + p.kernels());
                System.out.println(where + ": deterministic; kernels " + p.kernels());
                UPDATES.add(p.result().get("updates").asText());
            }
        }
        assertEquals(1, UPDATES.size(), "fixed updates gave different states: " + UPDATES);
    }

    @Test
    void fixedUpdatesGiveOneStateOnEveryVectorIsa() throws Exception {
        List<String> capabilities = new ArrayList<>(List.of("default", "avx2"));
        if (OneDnnIsa.AVX512_CORE.supportedBy(cpu.flags())) {
            capabilities.add("avx512");
        }
        Set<String> updates = new TreeSet<>();
        for (String capability : capabilities) {
            // the fastest kernels this CPU may run (capped only where they would crash), and ATen at this width
            Map<String, String> env = new java.util.HashMap<>(
                    KernelPolicy.decide(Choice.FASTEST, cpu, Map.of()).toSet());
            env.put("ATEN_CPU_CAPABILITY", capability);
            DeterminismProbe.Outcome p = probe(env, 2, "--fastest", "scrl");
            System.out.println("ATen " + capability + ", " + p.result().get("kernels").asText() + ": steps "
                    + p.result().get("objectives").get("scrl") + ", updates " + p.result().get("updates").asText());
            updates.add(p.result().get("updates").asText());
        }
        assertEquals(1, updates.size(), "fixed updates depend on the vector ISA: " + updates);
        DeterminismProbe.Outcome capped = probe(Map.of("ONEDNN_MAX_CPU_ISA", "SSE41", "ATEN_CPU_CAPABILITY", "default"), 1, "scrl");
        assertEquals(updates, Set.of(capped.result().get("updates").asText()), "capped vs uncapped");
    }

    /** oneDNN's banner for a level, as its verbose mode prints it. */
    private static String isaBanner(OneDnnIsa level) {
        return switch (level) {
            case SSE41 -> "Intel SSE4.1";
            case AVX -> "Intel AVX";
            case AVX2 -> "Intel AVX2";
            default -> throw new IllegalArgumentException(level.name());
        };
    }

    private static DeterminismProbe.Outcome probe(Map<String, String> env, int threads, String... args)
            throws Exception {
        return DeterminismProbe.inChildJvm(env, threads, args);
    }
}
