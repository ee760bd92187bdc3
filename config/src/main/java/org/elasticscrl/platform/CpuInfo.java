package org.elasticscrl.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What this machine's CPU tells about itself, as far as the choice of native kernels depends on it:
 * the architecture, vendor and model, the instruction-set flags, and the data-cache sizes per level.
 * Cloud VMs often hide the cache topology (no {@code /sys/devices/system/cpu/cpu0/cache}, {@code lscpu}
 * lists no caches); oneDNN's brgemm blocking heuristics then divide by a cache size of 0 (SIGFPE in
 * {@code brg_blocking_t::est_eff_1x1}), which is why {@link #cachesVisible} matters.
 *
 * @param dataCacheBytes data or unified cache size by level (1, 2, 3) as the kernel reports it
 */
public record CpuInfo(String arch, String vendor, String model, Set<String> flags, Map<Integer, Long> dataCacheBytes) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

    public CpuInfo {
        flags = Set.copyOf(flags);
        dataCacheBytes = Map.copyOf(dataCacheBytes);
    }

    /** This machine (what cannot be read stays empty: a CPU that hides its caches has none). */
    public static CpuInfo read() {
        String cpuinfo = "";
        try {
            cpuinfo = Files.readString(CPUINFO);
        } catch (IOException | SecurityException e) {
            // not Linux, or hidden: no flags, so no x86 level is claimed
        }
        return parse(System.getProperty("os.arch", ""), cpuinfo, readCaches(CACHES));
    }

    /** From {@code /proc/cpuinfo}'s text (the first processor's block) and cache sizes by level. */
    public static CpuInfo parse(String osArch, String cpuinfo, Map<Integer, Long> caches) {
        String vendor = "";
        String model = "";
        Set<String> flags = new TreeSet<>();
        for (String line : cpuinfo.split("\n")) {
            if (line.isBlank() && !flags.isEmpty()) {
                break; // the first processor is enough: all cores of a VM report the same
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "model name" -> model = value;
                case "flags" -> flags.addAll(Arrays.asList(value.split("\\s+")));
                default -> { }
            }
        }
        String arch = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            default -> osArch;
        };
        return new CpuInfo(arch, vendor, model, flags, caches);
    }

    /**
     * Data and unified cache sizes by level from a {@code cpu0/cache} directory ({@code indexN/level},
     * {@code type}, {@code size} such as {@code 48K}); empty when the directory is absent.
     */
    public static Map<Integer, Long> readCaches(Path dir) {
        Map<Integer, Long> out = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                try {
                    String type = Files.readString(index.resolve("type")).trim();
                    if (type.equals("Instruction")) {
                        continue;
                    }
                    int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                    out.merge(level, size(Files.readString(index.resolve("size"))), Math::max);
                } catch (IOException | NumberFormatException e) {
                    // an unreadable index is a hidden cache
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    static long size(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = t.endsWith("K") ? 1L << 10 : t.endsWith("M") ? 1L << 20 : t.endsWith("G") ? 1L << 30 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        return digits.isEmpty() ? 0 : Long.parseLong(digits) * unit;
    }

    public boolean x86() {
        return arch.equals("x86_64");
    }

    /** Whether the L1 data and L2 sizes are known: oneDNN's blocking heuristics divide by both. */
    public boolean cachesVisible() {
        return dataCacheBytes.getOrDefault(1, 0L) > 0 && dataCacheBytes.getOrDefault(2, 0L) > 0;
    }

    /** The newest oneDNN level this CPU runs (empty off x86 or when nothing is known). */
    public java.util.Optional<OneDnnIsa> isaCeiling() {
        return x86() ? OneDnnIsa.ceiling(flags) : java.util.Optional.empty();
    }

    /** One line for logs and reports, e.g. {@code GenuineIntel Xeon ..., up to AVX512_CORE_AMX, caches L1 48K L2 2M}. */
    public String describe() {
        String isa = isaCeiling().map(Enum::name).orElse(x86() ? "no SSE4.1" : "not x86-64");
        String caches = cachesVisible()
                ? "caches L1d " + kib(dataCacheBytes.get(1)) + " L2 " + kib(dataCacheBytes.get(2))
                : "cache sizes hidden";
        return (model.isEmpty() ? vendor : model) + " (" + arch + "), up to " + isa + ", " + caches;
    }

    private static String kib(long bytes) {
        return bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? (bytes >> 20) + "M" : (bytes >> 10) + "K";
    }
}
