package org.elasticscrl.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which native kernels a computing JVM may use, decided from what it must guarantee and what its CPU
 * reports — a pure function, applied where a JVM that computes starts (the launcher relaunches itself,
 * child JVMs get the environment) and checked where a replica is built.
 *
 * <ul>
 *   <li>{@link Choice#DETERMINISTIC} ({@code train.deterministic: true}): oneDNN capped at AVX2. Its
 *       AVX-512 kernels, with several threads, gave different gradients for the same inputs from run to
 *       run on an AMD EPYC with AVX-512 (12–14 of 20 same-seed checks failed); capped at AVX2 every check
 *       passed there and here, at 1, 2 and 4 threads ({@code DeterminismMatrixTest}).</li>
 *   <li>Whatever the choice, a CPU that hides its cache sizes gets oneDNN capped at AVX: from AVX2 up,
 *       oneDNN's brgemm convolutions size their blocks by the L1/L2 sizes and divide by zero on such a
 *       CPU (the ResNet-50 step died with SIGFPE there; it ran at AVX and SSE4.1, which have no brgemm).</li>
 * </ul>
 * An operator's own {@code ONEDNN_MAX_CPU_ISA} is kept when it is at or below the cap (e.g. AVX on a
 * deterministic run); above it, it is replaced, and the reason says so.
 */
public final class KernelPolicy {
    /** The variable oneDNN reads once, before its first primitive: it must be set when the JVM starts. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** What the JVM must guarantee. */
    public enum Choice {
        /** The same inputs give bit-identical gradients at every run (machines of one kind, same threads). */
        DETERMINISTIC,
        /** oneDNN picks its fastest kernels (still capped where they would crash). */
        FASTEST;

        /** {@code train.deterministic} as a choice. */
        public static Choice of(boolean deterministic) {
            return deterministic ? DETERMINISTIC : FASTEST;
        }
    }

    /**
     * @param cap the cap in force once {@code toSet} is applied (empty: oneDNN's own choice)
     * @param effective the level oneDNN will run at (empty: unknown, off x86-64)
     * @param toSet environment variables to set before the JVM starts; empty when it already complies
     * @param deterministic whether same inputs give the same bits here (false off x86-64: untested)
     * @param reasons why each cap applies, for logs and errors
     */
    public record Decision(Choice choice, Optional<OneDnnIsa> cap, Optional<OneDnnIsa> effective,
            Map<String, String> toSet, boolean deterministic, List<String> reasons) {
        public Decision {
            toSet = Map.copyOf(toSet);
            reasons = List.copyOf(reasons);
        }

        /** Whether the current environment already gives these kernels. */
        public boolean satisfied() {
            return toSet.isEmpty();
        }

        /** The environment a child JVM needs: {@code current} with {@link #toSet} applied. */
        public Map<String, String> applyTo(Map<String, String> current) {
            Map<String, String> out = new LinkedHashMap<>(current);
            out.putAll(toSet);
            return out;
        }

        /** A short name of these kernels, e.g. {@code oneDNN AVX2 (capped), deterministic}. */
        public String describe() {
            String level = effective.map(Enum::name).orElse("native");
            String capped = cap.isPresent() && effective.isPresent() && effective.get() == cap.get() ? " (capped)" : "";
            return "oneDNN " + level + capped + (deterministic ? ", deterministic" : ", fastest (not guaranteed deterministic)");
        }
    }

    private KernelPolicy() {}

    /** The decision for this JVM's CPU and environment. */
    public static Decision forThisJvm(Choice choice) {
        return decide(choice, CpuInfo.read(), System.getenv());
    }

    public static Decision decide(Choice choice, CpuInfo cpu, Map<String, String> env) {
        List<String> reasons = new ArrayList<>();
        if (!cpu.x86()) {
            reasons.add("kernel caps apply to x86-64 only; determinism on " + cpu.arch() + " is untested");
            return new Decision(choice, Optional.empty(), Optional.empty(), Map.of(), false, reasons);
        }
        Optional<OneDnnIsa> required = Optional.empty();
        if (choice == Choice.DETERMINISTIC) {
            required = Optional.of(OneDnnIsa.AVX2);
            reasons.add("deterministic kernels: oneDNN at AVX2 at most (its AVX-512 kernels were not run-to-run"
                    + " deterministic with several threads on an AMD EPYC with AVX-512)");
        }
        if (!cpu.cachesVisible()) {
            required = Optional.of(OneDnnIsa.AVX);
            reasons.add("this CPU hides its cache sizes: oneDNN at AVX at most (its brgemm kernels, AVX2 and up,"
                    + " divide by the cache size and crash with SIGFPE)");
        }
        String current = env.get(ISA_VARIABLE);
        Optional<OneDnnIsa> own = OneDnnIsa.parse(current);
        Optional<OneDnnIsa> cap;
        Map<String, String> toSet = new LinkedHashMap<>();
        if (required.isEmpty()) {
            cap = own;
        } else if (own.isPresent() && own.get().atOrBelow(required.get())) {
            cap = own;
            reasons.add(ISA_VARIABLE + "=" + current + " kept: at or below " + required.get());
        } else {
            cap = required;
            toSet.put(ISA_VARIABLE, required.get().name());
            if (current != null && !current.isBlank()) {
                reasons.add(ISA_VARIABLE + "=" + current + " replaced by " + required.get());
            }
        }
        Optional<OneDnnIsa> ceiling = cpu.isaCeiling();
        Optional<OneDnnIsa> effective = ceiling.map(c -> cap.filter(k -> k.ordinal() < c.ordinal()).orElse(c));
        boolean deterministic = choice == Choice.DETERMINISTIC && effective.map(e -> e.atOrBelow(OneDnnIsa.AVX2))
                .orElse(true);
        return new Decision(choice, cap, effective, toSet, deterministic, reasons);
    }
}
