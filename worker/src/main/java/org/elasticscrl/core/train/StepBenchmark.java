package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.data.SyntheticChunks;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * Times a full training step against the bare backbone forward + backward of the same images,
 * interleaved in one run (the machine may be noisy: medians of alternating measurements).
 */
public final class StepBenchmark {
    /** Medians in milliseconds; {@code phases} break the step down. */
    public record Result(int iterations, double stepMs, double backboneMs, Map<Phase, Double> phases) {
        public double ratio() {
            return stepMs / backboneMs;
        }
    }

    private StepBenchmark() {}

    /**
     * @param batch images per step (each gives two views)
     * @param progress called after each measured iteration
     */
    public static Result run(ScrlConfig cfg, int batch, int warmup, int iterations, IntConsumer progress) {
        int size = cfg.augment().inputSize();
        Chunk chunk = new SyntheticChunks(cfg.seed(), 375, 500, size, 10, 0.2).chunk(0, 0, batch);
        StepHyper hyper = new StepHyper(0.1, 0.99, cfg.train().optim().weightDecay());
        double[] step = new double[iterations];
        double[] backbone = new double[iterations];
        Map<Phase, double[]> phases = new EnumMap<>(Phase.class);
        try (TrainingCore core = TrainingCore.create(cfg, 10); NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < warmup + iterations; i++) {
                core.profile().reset();
                long t0 = System.nanoTime();
                core.step(List.of(chunk), hyper);
                long t1 = System.nanoTime();
                backboneOnly(core.networks(), chunk, m);
                long t2 = System.nanoTime();
                int k = i - warmup;
                if (k >= 0) {
                    step[k] = (t1 - t0) / 1e6;
                    backbone[k] = (t2 - t1) / 1e6;
                    for (Map.Entry<Phase, Long> e : core.profile().snapshot().entrySet()) {
                        phases.computeIfAbsent(e.getKey(), p -> new double[iterations])[k] = e.getValue() / 1e6;
                    }
                    progress.accept(k + 1);
                }
            }
        }
        Map<Phase, Double> phaseMedians = new EnumMap<>(Phase.class);
        phases.forEach((p, v) -> phaseMedians.put(p, median(v)));
        return new Result(iterations, median(step), median(backbone), phaseMedians);
    }

    /** Forward and backward of the online backbone alone on the same 2n images. */
    private static void backboneOnly(Networks nets, Chunk chunk, NDManager parent) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray views = scope.create(chunk.pixels(),
                    new Shape(2L * chunk.samples(), 3, chunk.size(), chunk.size()));
            try (Autograd ignored = Autograd.record()) {
                NDList f = nets.features(views, true);
                Autograd.backward(f.get(1).sum());
            }
            for (Slab.Entry e : nets.online.entries()) {
                Autograd.zeroGrad(e.tensor().parameter().getArray());
            }
        }
    }

    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * A benchmark JVM: {@code <config> <batch> <warmup> <iterations> [--key=value …]}; prints one line of
     * JSON ({@code step_ms}, {@code backbone_ms}, {@code phases_ms}, {@code kernels}, {@code threads}). The
     * kernels are this JVM's: whoever starts it sets them ({@code scrl bench --what step}).
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: StepBenchmark CONFIG BATCH WARMUP ITERATIONS [--key=value ...]");
        }
        int batch = Integer.parseInt(args[1]);
        List<String> overrides = new ArrayList<>(List.of("--train/batch_size_train=" + batch, "--train/chunk_size=" + batch));
        overrides.addAll(List.of(args).subList(4, args.length));
        ScrlConfig cfg = org.elasticscrl.config.ConfigLoader.load(args[0], overrides);
        Result r = run(cfg, batch, Integer.parseInt(args[2]), Integer.parseInt(args[3]), k -> { });
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("step_ms", r.stepMs());
        out.put("backbone_ms", r.backboneMs());
        Map<String, Double> phases = new java.util.LinkedHashMap<>();
        r.phases().forEach((p, ms) -> phases.put(p.name().toLowerCase(java.util.Locale.ROOT), ms));
        out.put("phases_ms", phases);
        out.put("kernels", org.elasticscrl.platform.KernelPolicy.forThisJvm(
                org.elasticscrl.platform.KernelPolicy.Choice.of(cfg.train().deterministic())).describe());
        out.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(out));
    }

    /** A printable report of a result. */
    public static List<String> report(String title, Result r) {
        List<String> lines = new ArrayList<>();
        lines.add(title + " (median of " + r.iterations() + " interleaved iterations)");
        lines.add(String.format("  full step            %9.1f ms", r.stepMs()));
        lines.add(String.format("  backbone fwd+bwd     %9.1f ms", r.backboneMs()));
        lines.add(String.format("  ratio step/backbone  %9.2f", r.ratio()));
        lines.add("  breakdown of the step:");
        r.phases().forEach((p, ms) -> lines.add(String.format("    %-12s %9.1f ms  %5.1f %%",
                p.name().toLowerCase(java.util.Locale.ROOT), ms, 100 * ms / r.stepMs())));
        return lines;
    }
}
