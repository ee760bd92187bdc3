package org.elasticscrl.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The x86-64 instruction-set levels oneDNN can be capped at with {@code ONEDNN_MAX_CPU_ISA} (oneDNN
 * 3.7's names), each with the {@code /proc/cpuinfo} flags it needs. oneDNN orders them only partially
 * (the AVX2_VNNI branch is beside the AVX-512 one); {@link #atOrBelow} compares within the one chain
 * every cap this project sets lives on: SSE41 &lt; AVX &lt; AVX2.
 */
public enum OneDnnIsa {
    SSE41("sse4_1"),
    AVX("sse4_1", "avx"),
    AVX2("sse4_1", "avx", "avx2", "fma"),
    AVX2_VNNI("sse4_1", "avx", "avx2", "fma", "avx_vnni"),
    AVX512_CORE("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"),
    AVX512_CORE_VNNI("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni"),
    AVX512_CORE_BF16("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni",
            "avx512_bf16"),
    AVX512_CORE_FP16("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni",
            "avx512_bf16", "avx512_fp16"),
    AVX512_CORE_AMX("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni",
            "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16"),
    AVX512_CORE_AMX_FP16("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
            "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16", "amx_fp16");

    private final Set<String> flags;

    OneDnnIsa(String... flags) {
        this.flags = Set.of(flags);
    }

    /** The {@code /proc/cpuinfo} flags this level needs. */
    public Set<String> flags() {
        return flags;
    }

    /** Whether a CPU with these {@code /proc/cpuinfo} flags runs this level's kernels. */
    public boolean supportedBy(Set<String> cpuFlags) {
        return cpuFlags.containsAll(flags);
    }

    /** Whether this level uses AVX-512 registers (and so oneDNN's AVX-512 kernels). */
    public boolean avx512() {
        return flags.contains("avx512f");
    }

    /** True if this is {@code cap} or an older level on the SSE41 &lt; AVX &lt; AVX2 chain. */
    public boolean atOrBelow(OneDnnIsa cap) {
        return ordinal() <= AVX2.ordinal() && cap.ordinal() <= AVX2.ordinal() && ordinal() <= cap.ordinal();
    }

    /** Every level a CPU with these flags supports, oldest first. */
    public static List<OneDnnIsa> supported(Set<String> cpuFlags) {
        List<OneDnnIsa> out = new ArrayList<>();
        for (OneDnnIsa isa : values()) {
            if (isa.supportedBy(cpuFlags)) {
                out.add(isa);
            }
        }
        return out;
    }

    /** The newest level a CPU with these flags supports (empty: not even SSE4.1). */
    public static Optional<OneDnnIsa> ceiling(Set<String> cpuFlags) {
        List<OneDnnIsa> all = supported(cpuFlags);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * A value of {@code ONEDNN_MAX_CPU_ISA}, case-insensitive, with oneDNN's AVX10.1 aliases; empty for
     * {@code DEFAULT}, {@code ALL}, a blank and names this project does not know (oneDNN ignores what it
     * cannot parse too).
     */
    public static Optional<OneDnnIsa> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        v = switch (v) {
            case "AVX10_1_512" -> "AVX512_CORE_FP16";
            case "AVX10_1_512_AMX" -> "AVX512_CORE_AMX";
            case "AVX10_1_512_AMX_FP16" -> "AVX512_CORE_AMX_FP16";
            default -> v;
        };
        for (OneDnnIsa isa : values()) {
            if (isa.name().equals(v)) {
                return Optional.of(isa);
            }
        }
        return Optional.empty();
    }
}
