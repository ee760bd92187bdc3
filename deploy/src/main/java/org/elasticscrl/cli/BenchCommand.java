package org.elasticscrl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elasticscrl.core.augment.AugmentBenchmark;
import org.elasticscrl.protocol.bench.TransportBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code scrl bench}: measured ratios, printed, never asserted. {@code step} times a full SCRL
 * step against the bare backbone forward + backward of the same batch, with deterministic and with the
 * fastest kernels, interleaved ({@link StepKernelsBench});
 * {@code augment} times the Java two-view augmentation against torchvision/PIL on the same images;
 * {@code heterogeneity} and {@code overhead} run local clusters ({@link ClusterBench}); {@code transport}
 * runs {@link TransportBenchmark} in a JVM of its own, its senders confined to core 0 and the receiver to
 * core 1 unless {@code --no-pin}; {@code scaling} runs the star and the sharded aggregation side by side as the
 * number of simulated workers grows ({@link ScalingBench}); {@code shares} runs the sharded aggregation over a fast
 * and slow links with equal against measured shares ({@link SharesBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks printed as ratios measured side by side in one run.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--what", defaultValue = "step", description = "Which benchmark: step, augment, transport,"
            + " heterogeneity, overhead, cluster (the last two), scaling, shares or churn.")
    String what;

    @Option(names = "--images", defaultValue = "100", description = "augment: images per round.")
    int images;

    @Option(names = "--config", description = "step: preset or YAML file (default: both the ResNet-50 paper preset"
            + " scrl_200ep at 224 px and the CPU preset scrl_cpu).")
    String config;

    @Option(names = "--batch", description = "step: images per step (default: 8 for scrl_200ep, 32 otherwise).")
    Integer batch;

    @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured iterations first.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured iterations (augment: rounds).")
    int iterations;

    @Option(names = "--steps", defaultValue = "24", description = "cluster benchmarks: steps per run.")
    int steps;

    @Option(names = "--throttle", defaultValue = "0.5", description = "heterogeneity: the slow worker's speed fraction.")
    double throttle;

    @Option(names = "--pin", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "heterogeneity: confine worker-i to CPU core i, standalone and together, as if each worker"
                    + " had a machine of its own; transport: the 4 senders to core 0, the receiver to core 1, as if"
                    + " the coordinator had a machine of its own (needs taskset and 2 cores; --no-pin shares every"
                    + " core).")
    boolean pin;

    @Option(names = "--rounds", description = "step, overhead, shares: interleaved rounds (single rounds vary by a few"
            + " percent on a busy machine; default: step 2 per kernel setting, overhead 4, shares 2).")
    Integer rounds;

    @Option(names = "--top_dir", defaultValue = ".", description = "cluster benchmarks: where runs/ is created.")
    java.nio.file.Path topDir;

    @Option(names = "--sizes", split = ",", defaultValue = "2,4,8,16", description = "scaling: the numbers of workers.")
    List<Integer> sizes;

    @Option(names = "--params", defaultValue = "25600000", description = "scaling: the pseudo-gradient's length P"
            + " (default ResNet-50's 25.6M).")
    long params;

    @Option(names = "--chunk-seconds", defaultValue = "0.5", description = "scaling: each worker's compute time per"
            + " step.")
    double chunkSeconds;

    @Option(names = "--link", defaultValue = "1gbit", description = "scaling: every node's emulated link,"
            + " RATE[:LATENCY] (e.g. 1gbit, 10gbit:50us); shares: every node's but worker-0's.")
    String link;

    @Option(names = "--fast-link", defaultValue = "8gbit", description = "shares: worker-0's emulated link.")
    String fastLink;

    @Option(names = "--per-jvm", defaultValue = "8", description = "scaling: simulated workers per worker JVM (default"
            + " ${DEFAULT-VALUE}, so that 16+ start on a small machine; 1: a JVM each).")
    int perJvm;

    @Option(names = "--paths", split = ",", defaultValue = "star,sharded", description = "scaling: the aggregation"
            + " paths to run (star, sharded or both).")
    List<String> paths;

    @Option(names = "--trace", description = "churn: a membership trace, milliseconds,add|remove,node lines (e.g."
            + " traces/p3-trace.csv).")
    java.nio.file.Path trace;

    @Option(names = "--speedup", description = "churn: how many times faster than the trace's own time (default: what"
            + " replays it in about 25 minutes).")
    Double speedup;

    @Option(names = "--from", description = "churn: start this many minutes into the trace; the nodes alive then are"
            + " the starting pool (a window of a long trace at its own pool size).")
    Double fromMinutes;

    @Option(names = "--events", description = "churn: replay only the trace's first N events (after --from).")
    Integer events;

    @Option(names = "--chunks", description = "churn: chunks per step, the global batch (a chunk is one sample; default"
            + " 32 per worker the trace has alive at once at most).")
    Integer chunks;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (what.equals("augment")) {
            AugmentBenchmark.run(images, iterations).forEach(System.out::println);
            return 0;
        }
        if (what.equals("transport")) {
            return transport(pin && Runtime.getRuntime().availableProcessors() >= 2);
        }
        if (what.equals("heterogeneity") || what.equals("overhead") || what.equals("cluster")) {
            ClusterBench bench = new ClusterBench(topDir, steps, Math.min(10, steps / 3), overrides);
            if (!what.equals("overhead")) {
                bench.heterogeneity(throttle, pin && Runtime.getRuntime().availableProcessors() >= 2);
            }
            if (!what.equals("heterogeneity")) {
                bench.overhead(rounds != null ? rounds : 4);
            }
            return 0;
        }
        if (what.equals("scaling")) {
            new ScalingBench(topDir, steps, params, chunkSeconds, link, perJvm, paths, overrides).run(sizes);
            return 0;
        }
        if (what.equals("shares")) {
            new SharesBench(topDir, steps, params, chunkSeconds, link, fastLink, overrides).run(sizes,
                    rounds != null ? rounds : 2);
            return 0;
        }
        if (what.equals("churn")) {
            return churn();
        }
        if (!what.equals("step")) {
            System.err.println("scrl bench: unknown benchmark '" + what
                    + "'; available: step, augment, transport, heterogeneity, overhead, cluster (both), scaling, shares, churn");
            return 2;
        }
        List<StepKernelsBench.Setup> setups = config != null
                ? List.of(new StepKernelsBench.Setup(config, batch != null ? batch : config.equals("scrl_200ep") ? 8 : 32,
                        config))
                : List.of(new StepKernelsBench.Setup("scrl_200ep", batch != null ? batch : 8, "ResNet-50 paper preset"),
                        new StepKernelsBench.Setup("scrl_cpu", batch != null ? batch : 32, "CPU preset (ResNet-18 w16, 64 px)"));
        return StepKernelsBench.run(setups, warmup, iterations, rounds != null ? rounds : 2, overrides);
    }

    /** Replays {@code --trace}; defaults: P = 262,144 values, 0.15 s a chunk, a 10 Gb/s link (see the README's churn section). */
    private int churn() throws Exception {
        if (trace == null) {
            System.err.println("scrl bench --what churn: --trace FILE is needed (milliseconds,add|remove,node lines;"
                    + " the published traces are in traces/)");
            return 2;
        }
        ChurnTrace t = ChurnTrace.read(trace);
        if (fromMinutes != null) {
            t = t.from(Math.round(fromMinutes * 60_000));
            System.out.printf(java.util.Locale.ROOT, "churn: %s from minute %.1f: %d nodes alive then%n", t.name(),
                    fromMinutes, t.initial().size());
        }
        if (events != null) {
            t = t.firstEvents(events);
        }
        ChurnBench.Result r = new ChurnBench(topDir, isDefault("--params") ? 262_144 : params,
                isDefault("--chunk-seconds") ? 0.15 : chunkSeconds, chunks != null ? chunks : 32 * t.peakAlive(), isDefault("--link") ? "10gbit" : link, overrides)
                .run(t, speedup != null ? speedup : ChurnBench.speedupFor(t, 25));
        return r.audit().clean() && !r.stalled() ? 0 : 1;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Whether {@code option} kept its default (the churn benchmark has defaults of its own for shared options). */
    private boolean isDefault(String option) {
        return spec.commandLine().getParseResult().matchedOption(option) == null;
    }

    /** 4 sender JVMs x 25.6M floats, 9 interleaved rounds; its own JVM, so that it can be confined to a core. */
    private static int transport(boolean pin) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", "1"));
        }
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (pin) {
            cmd.add("-Dscrl.bench.childCores=0");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TransportBenchmark.class.getName(), "4",
                "25600000", "9", "64"));
        System.out.println(pin ? "transport: the receiver on core 1, its 4 senders on core 0"
                : "transport: every process on every core");
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
