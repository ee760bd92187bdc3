package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticscrl.core.train.StepBenchmark;
import org.elasticscrl.platform.CpuInfo;
import org.elasticscrl.platform.KernelPolicy;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.report.Table;

/**
 * {@code scrl bench --what step}: a full training step against the bare backbone forward + backward of the
 * same batch ({@link StepBenchmark}), each measured in a JVM started with the deterministic kernels and in
 * one started with the fastest — oneDNN's kernels are fixed when a JVM starts — alternating the order from
 * round to round (ABBA) so that a machine's drift hits both alike; the medians and what the deterministic
 * kernels cost.
 */
final class StepKernelsBench {
    /** A configuration to measure: preset or file, images per step, and what to call it. */
    record Setup(String config, int batch, String label) {}

    private record Measured(double stepMs, double backboneMs, Map<String, Double> phases, String kernels) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepKernelsBench() {}

    static int run(List<Setup> setups, int warmup, int iterations, int rounds, List<String> overrides) throws Exception {
        CpuInfo cpu = CpuInfo.read();
        System.out.printf("scrl bench step: %s; %d threads; each setting in its own JVM, %d rounds (order alternating),"
                + " median of %d iterations after %d warm-up per JVM%n", cpu.describe(),
                Runtime.getRuntime().availableProcessors(), rounds, iterations, warmup);
        Progress bar = new Progress("measuring", setups.size() * rounds * 2);
        Map<Setup, Map<Choice, List<Measured>>> all = new LinkedHashMap<>();
        int done = 0;
        for (Setup s : setups) {
            Map<Choice, List<Measured>> bySetting = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                List<Choice> order = r % 2 == 0 ? List.of(Choice.DETERMINISTIC, Choice.FASTEST)
                        : List.of(Choice.FASTEST, Choice.DETERMINISTIC);
                for (Choice c : order) {
                    bySetting.computeIfAbsent(c, k -> new ArrayList<>()).add(measure(s, c, cpu, warmup, iterations,
                            overrides));
                    bar.update(++done, s.label() + ", " + c.name().toLowerCase(Locale.ROOT));
                }
            }
            all.put(s, bySetting);
        }
        bar.done();
        for (var e : all.entrySet()) {
            report(e.getKey(), e.getValue());
        }
        return 0;
    }

    private static void report(Setup s, Map<Choice, List<Measured>> bySetting) {
        Table t = new Table("kernels", "full step", "backbone fwd+bwd", "step / backbone", "per round (step)");
        Map<Choice, double[]> medians = new HashMap<>();
        for (Choice c : List.of(Choice.DETERMINISTIC, Choice.FASTEST)) {
            List<Measured> runs = bySetting.get(c);
            double step = StepBenchmark.median(runs.stream().mapToDouble(Measured::stepMs).toArray());
            double backbone = StepBenchmark.median(runs.stream().mapToDouble(Measured::backboneMs).toArray());
            medians.put(c, new double[] {step, backbone});
            t.row(runs.get(0).kernels(), ms(step), ms(backbone),
                    String.format(Locale.ROOT, "%.2f", step / backbone),
                    String.join(" ", runs.stream().map(m -> ms(m.stepMs())).toList()));
        }
        System.out.println();
        System.out.println(s.label() + " (" + s.config() + ", " + s.batch() + " images x 2 views per step):");
        System.out.print(t);
        double[] d = medians.get(Choice.DETERMINISTIC);
        double[] f = medians.get(Choice.FASTEST);
        System.out.printf(Locale.ROOT, "deterministic kernels cost: full step x%.2f, backbone x%.2f%n", d[0] / f[0],
                d[1] / f[1]);
        for (Choice c : List.of(Choice.DETERMINISTIC, Choice.FASTEST)) {
            Map<String, Double> phases = new LinkedHashMap<>();
            for (String p : bySetting.get(c).get(0).phases().keySet()) {
                phases.put(p, StepBenchmark.median(bySetting.get(c).stream().mapToDouble(m -> m.phases().getOrDefault(p, 0.0))
                        .toArray()));
            }
            StringBuilder line = new StringBuilder("  " + c.name().toLowerCase(Locale.ROOT) + " step:");
            phases.forEach((p, ms) -> line.append(String.format(Locale.ROOT, " %s %.0f", p, ms)));
            System.out.println(line.append(" (ms)"));
        }
    }

    /** One JVM measuring {@code s} with the kernels {@code choice} gets on this CPU (an operator's cap ignored). */
    private static Measured measure(Setup s, Choice choice, CpuInfo cpu, int warmup, int iterations,
            List<String> overrides) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(KernelPolicy.ISA_VARIABLE);
        env = KernelPolicy.decide(choice, cpu, env).applyTo(env);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xss4m",
                "-XX:+UseParallelGC", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                StepBenchmark.class.getName(), s.config(), Integer.toString(s.batch()), Integer.toString(warmup),
                Integer.toString(iterations), "--train/deterministic=" + (choice == Choice.DETERMINISTIC)));
        cmd.addAll(overrides);
        Path log = Files.createTempFile("scrl-bench-step", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int status = p.waitFor();
        String json = Arrays.stream(out.split("\n")).filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (status != 0 || json == null) {
            String tail = Files.readString(log);
            throw new IllegalStateException(s.label() + " with " + choice + " kernels: the benchmark JVM exited " + status
                    + "; its log " + log + " ends:\n" + tail.substring(Math.max(0, tail.length() - 3000)));
        }
        Files.delete(log);
        JsonNode n = JSON.readTree(json);
        Map<String, Double> phases = new LinkedHashMap<>();
        n.get("phases_ms").properties().forEach(e -> phases.put(e.getKey(), e.getValue().asDouble()));
        return new Measured(n.get("step_ms").asDouble(), n.get("backbone_ms").asDouble(), phases,
                n.get("kernels").asText());
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }
}
