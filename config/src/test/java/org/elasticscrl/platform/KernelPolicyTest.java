package org.elasticscrl.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.platform.KernelPolicy.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel decision for CPUs this project meets, whatever CPU runs the test. */
class KernelPolicyTest {
    /** A 2-core cloud VM on AMD EPYC (Zen 4): AVX-512 with VNNI and BF16, no cache topology. */
    static final CpuInfo EPYC_HIDDEN_CACHES = cpu("AuthenticAMD", "AMD EPYC 9R14",
            "fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi1 bmi2 avx512f avx512dq avx512cd avx512bw"
                    + " avx512vl avx512ifma avx512vbmi avx512_vnni avx512_bf16 avx512_bitalg", Map.of());
    /** A Sapphire-Rapids-class Xeon with AMX and visible caches. */
    static final CpuInfo XEON_AMX = cpu("GenuineIntel", "Intel(R) Xeon(R) Processor",
            "sse4_1 sse4_2 avx fma avx2 avx512f avx512dq avx512bw avx512vl avx_vnni avx512_vnni avx512_bf16"
                    + " avx512_fp16 amx_tile amx_int8 amx_bf16", Map.of(1, 48L << 10, 2, 2L << 20, 3, 105L << 20));
    /** A desktop with AVX2 only. */
    static final CpuInfo AVX2_ONLY = cpu("GenuineIntel", "Intel(R) Core(TM) i7-7700K",
            "sse4_1 sse4_2 avx fma avx2", Map.of(1, 32L << 10, 2, 256L << 10));

    static CpuInfo cpu(String vendor, String model, String flags, Map<Integer, Long> caches) {
        String text = "processor\t: 0\nvendor_id\t: " + vendor + "\nmodel name\t: " + model + "\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nflags\t\t: sse4_1\n";
        return CpuInfo.parse("amd64", text, caches);
    }

    @Test
    void deterministicRunsCapOneDnnAtAvx2OnAvx512Cpus() {
        Decision d = KernelPolicy.decide(Choice.DETERMINISTIC, XEON_AMX, Map.of());
        assertEquals(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"), d.toSet());
        assertEquals(Optional.of(OneDnnIsa.AVX2), d.effective());
        assertTrue(d.deterministic());
        assertFalse(d.satisfied());
        assertTrue(KernelPolicy.decide(Choice.DETERMINISTIC, XEON_AMX, Map.of("ONEDNN_MAX_CPU_ISA", "AVX2")).satisfied());
    }

    @Test
    void fastestKernelsAreUncappedWhereCachesAreVisible() {
        Decision d = KernelPolicy.decide(Choice.FASTEST, XEON_AMX, Map.of());
        assertTrue(d.satisfied());
        assertEquals(Optional.of(OneDnnIsa.AVX512_CORE_AMX), d.effective());
        assertFalse(d.deterministic());
    }

    @Test
    void aCpuHidingItsCachesIsCappedAtAvxWhateverTheChoice() {
        for (Choice c : Choice.values()) {
            Decision d = KernelPolicy.decide(c, EPYC_HIDDEN_CACHES, Map.of());
            assertEquals("AVX", d.toSet().get("ONEDNN_MAX_CPU_ISA"), c.name());
            assertTrue(d.reasons().stream().anyMatch(r -> r.contains("hides its cache sizes")), d.reasons().toString());
        }
        // the operator's AVX2 would crash there: replaced, and said so
        Decision d = KernelPolicy.decide(Choice.FASTEST, EPYC_HIDDEN_CACHES, Map.of("ONEDNN_MAX_CPU_ISA", "avx2"));
        assertEquals("AVX", d.toSet().get("ONEDNN_MAX_CPU_ISA"));
        assertTrue(d.reasons().stream().anyMatch(r -> r.contains("avx2 replaced by AVX")), d.reasons().toString());
    }

    @Test
    void anOperatorsLowerCapIsKeptAndAHigherOneReplaced() {
        Decision lower = KernelPolicy.decide(Choice.DETERMINISTIC, XEON_AMX, Map.of("ONEDNN_MAX_CPU_ISA", "SSE41"));
        assertTrue(lower.satisfied());
        assertEquals(Optional.of(OneDnnIsa.SSE41), lower.effective());
        for (String above : new String[] {"AVX512_CORE", "AVX2_VNNI", "ALL", "DEFAULT", "nonsense"}) {
            Decision d = KernelPolicy.decide(Choice.DETERMINISTIC, XEON_AMX, Map.of("ONEDNN_MAX_CPU_ISA", above));
            assertEquals("AVX2", d.toSet().get("ONEDNN_MAX_CPU_ISA"), above);
        }
    }

    @Test
    void anAvx2CpuIsDeterministicWithTheCapItDoesNotNeed() {
        Decision d = KernelPolicy.decide(Choice.DETERMINISTIC, AVX2_ONLY, Map.of());
        assertEquals(Optional.of(OneDnnIsa.AVX2), d.effective());
        assertTrue(d.deterministic());
        // the cap is still set: the decision does not depend on reading this CPU's flags right
        assertEquals("AVX2", d.toSet().get("ONEDNN_MAX_CPU_ISA"));
    }

    @Test
    void otherArchitecturesAreLeftAloneAndNotCalledDeterministic() {
        CpuInfo arm = CpuInfo.parse("aarch64", "processor\t: 0\nFeatures\t: fp asimd\n", Map.of(1, 1L, 2, 1L));
        Decision d = KernelPolicy.decide(Choice.DETERMINISTIC, arm, Map.of());
        assertTrue(d.satisfied());
        assertFalse(d.deterministic());
    }

    @Test
    void applyToKeepsTheRestOfTheEnvironment() {
        Decision d = KernelPolicy.decide(Choice.DETERMINISTIC, XEON_AMX, Map.of());
        assertEquals(Map.of("PATH", "/bin", "ONEDNN_MAX_CPU_ISA", "AVX2"), d.applyTo(Map.of("PATH", "/bin")));
    }

    @Test
    void isaLevelsFollowTheFlags() {
        assertEquals(OneDnnIsa.AVX512_CORE_BF16, EPYC_HIDDEN_CACHES.isaCeiling().orElseThrow());
        assertEquals(OneDnnIsa.AVX512_CORE_AMX, XEON_AMX.isaCeiling().orElseThrow());
        assertEquals(java.util.List.of(OneDnnIsa.SSE41, OneDnnIsa.AVX, OneDnnIsa.AVX2),
                OneDnnIsa.supported(AVX2_ONLY.flags()));
        assertEquals(Optional.of(OneDnnIsa.AVX512_CORE_FP16), OneDnnIsa.parse("avx10_1_512"));
        assertTrue(OneDnnIsa.AVX.atOrBelow(OneDnnIsa.AVX2));
        assertFalse(OneDnnIsa.AVX2_VNNI.atOrBelow(OneDnnIsa.AVX2));
        assertFalse(OneDnnIsa.AVX2.atOrBelow(OneDnnIsa.AVX));
    }

    @Test
    void cacheSizesAreReadFromSysfsAndAMissingDirectoryMeansHidden(@TempDir Path dir) throws Exception {
        writeIndex(dir, "index0", 1, "Data", "48K");
        writeIndex(dir, "index1", 1, "Instruction", "32K");
        writeIndex(dir, "index2", 2, "Unified", "2048K");
        writeIndex(dir, "index3", 3, "Unified", "105M");
        Map<Integer, Long> caches = CpuInfo.readCaches(dir);
        assertEquals(Map.of(1, 48L << 10, 2, 2L << 20, 3, 105L << 20), caches);
        assertTrue(CpuInfo.parse("amd64", "", caches).cachesVisible());
        assertEquals(Map.of(), CpuInfo.readCaches(dir.resolve("absent")));
        assertFalse(CpuInfo.parse("amd64", "", Map.of(1, 48L << 10)).cachesVisible());
        assertFalse(EPYC_HIDDEN_CACHES.cachesVisible());
    }

    private static void writeIndex(Path dir, String name, int level, String type, String size) throws Exception {
        Path i = Files.createDirectories(dir.resolve(name));
        Files.writeString(i.resolve("level"), level + "\n");
        Files.writeString(i.resolve("type"), type + "\n");
        Files.writeString(i.resolve("size"), size + "\n");
    }
}
