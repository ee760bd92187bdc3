package org.elasticscrl.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.data.SyntheticChunks;
import org.elasticscrl.platform.KernelPolicy;

/**
 * Whether this JVM's native kernels keep the promises the cluster rests on, measured on a tiny learner of
 * every objective: the same steps from the same seed end in the same bits (run to run), a step split into
 * compute + apply equals the fused one, chunks computed by different replicas and summed in chunk order
 * give the same update as one replica computing them all (what makes a cluster run equal a one-process
 * run, I4) — and the checksum after applying fixed updates, which must be the same on every CPU, ISA and
 * thread count (I1). Run as a JVM of its own (the kernels are fixed when a JVM starts):
 * {@code main} prints one line of JSON.
 */
public final class DeterminismProbe {
    private static final StepHyper HYPER = new StepHyper(0.5, 0.99, 1e-6);
    private static final int STEPS = 3;

    /** Checksums after {@value #STEPS} steps, each way of computing them. */
    public record Checksums(long fused, long again, long split, long anywhere) {
        public boolean agree() {
            return fused == again && fused == split && fused == anywhere;
        }
    }

    private DeterminismProbe() {}

    /**
     * A tiny learner for fast checks: ResNet-18 of width 8 with the small stem on 32-px views (4x4 maps),
     * 4 boxes per image (SCRL), a 32-channel local branch (byol_lc), ranks 2..7 of an 8-image chunk
     * (triplet); {@code extra} are more {@code key=value} overrides.
     */
    public static ScrlConfig tiny(String objective, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--objective=" + objective, "--network/width=8", "--network/proj_head/input_size=64",
                "--network/proj_head/hidden_size=128", "--network/proj_head/output_size=64",
                "--augment/input_size=32", "--network/scrl/num_patches_per_image=4",
                "--train/batch_size_train=8", "--train/chunk_size=8"));
        if (objective.equals("byol_lc")) {
            args.addAll(List.of("--network/lc/output_size=32", "--augment/view1_geometry=resize"));
        }
        if (objective.equals("triplet")) {
            args.add("--network/triplet/rank_to=7");
        }
        for (String e : extra) {
            args.add("--" + e);
        }
        return ConfigLoader.load("scrl_cpu", args);
    }

    /** The four ways of computing {@value #STEPS} steps of {@code objective} from one seed. */
    public static Checksums steps(String objective, String... extra) {
        ScrlConfig cfg = tiny(objective, extra);
        SyntheticChunks data = new SyntheticChunks(cfg.seed(), 96, 128, cfg.augment().inputSize(), 10, 0.2);
        try (TrainingCore fused = TrainingCore.create(cfg, 10);
                TrainingCore again = TrainingCore.create(cfg, 10);
                TrainingCore split = TrainingCore.create(cfg, 10);
                TrainingCore w1 = TrainingCore.create(cfg, 10);
                TrainingCore w2 = TrainingCore.create(cfg, 10)) {
            for (int s = 0; s < STEPS; s++) {
                List<Chunk> chunks = List.of(data.chunk(0, 16L * s, 8), data.chunk(0, 16L * s + 8, 8));
                fused.step(chunks, HYPER);
                garbage();
                again.step(chunks, HYPER);
                split.applyUpdate(Update.mean(split.computeGradients(chunks), HYPER));
                // as the cluster does with canonical sums: each chunk where it lands, added in chunk order
                Contribution a = w1.computeGradients(List.of(chunks.get(0)));
                Contribution b = w2.computeGradients(List.of(chunks.get(1)));
                Update u = Update.mean(new Contribution(add(a.gradientSum(), b.gradientSum()),
                        add(a.statisticsSum(), b.statisticsSum()), a.metrics().plus(b.metrics())), HYPER);
                w1.applyUpdate(u);
                w2.applyUpdate(u);
            }
            if (w1.checksum() != w2.checksum()) {
                throw new AssertionError("replicas applying the same update disagree: " + w1.checksum() + " vs "
                        + w2.checksum());
            }
            return new Checksums(fused.checksum(), again.checksum(), split.checksum(), w1.checksum());
        }
    }

    /**
     * The checksum after applying {@value #STEPS} fixed pseudo-random updates (LARS + momentum, EMA,
     * running statistics) to the seeded initial state: no kernel's choice is involved, so it must not
     * depend on the CPU, the ISA or the thread count (I1 on mixed hardware).
     */
    public static long updatesOnly(String objective, String... extra) {
        ScrlConfig cfg = tiny(objective, extra);
        try (TrainingCore core = TrainingCore.create(cfg, 10)) {
            SplittableRandom rng = new SplittableRandom(42);
            int grads = Math.toIntExact(core.networks().online.size());
            int stats = Math.toIntExact(core.networks().buffers.size());
            for (int s = 0; s < STEPS; s++) {
                float[] g = new float[grads];
                float[] st = new float[stats];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (rng.nextGaussian() * 1e-2);
                }
                for (int i = 0; i < st.length; i++) {
                    st[i] = (float) rng.nextDouble(0.5, 1.5);
                }
                core.applyUpdate(new Update(g, st, new StepHyper(0.5 + s, 0.99, 1e-4)));
            }
            return core.checksum();
        }
    }

    /** Allocates and drops native memory, so the second run sees other addresses than the first. */
    private static void garbage() {
        try (var m = ai.djl.ndarray.NDManager.newBaseManager()) {
            m.ones(new ai.djl.ndarray.types.Shape(1 + new SplittableRandom().nextInt(50_000)));
        }
        System.gc();
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /**
     * Prints {@code {"kernels": …, "threads": n, "objectives": {name: {fused, again, split, anywhere,
     * agree}}, "updates": checksum}}; args: {@code [--fastest] [objective …]} (default: all four;
     * {@code --fastest}: with {@code train.deterministic: false}). Checksums as hex.
     */
    public static void main(String[] args) {
        List<String> objectives = new ArrayList<>(List.of(args));
        String[] extra = objectives.remove("--fastest") ? new String[] {"train/deterministic=false"} : new String[0];
        if (objectives.isEmpty()) {
            objectives = List.of("scrl", "byol", "byol_lc", "triplet");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kernels", KernelPolicy.forThisJvm(KernelPolicy.Choice.of(extra.length == 0)).describe());
        Map<String, Object> per = new LinkedHashMap<>();
        for (String o : objectives) {
            Checksums c = steps(o, extra);
            per.put(o, Map.of("fused", hex(c.fused()), "again", hex(c.again()), "split", hex(c.split()),
                    "anywhere", hex(c.anywhere()), "agree", c.agree()));
        }
        out.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads()); // once the engine is loaded
        out.put("objectives", per);
        out.put("updates", hex(updatesOnly("scrl", extra)));
        try {
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }

    /**
     * What a probe JVM printed: its JSON result, oneDNN's ISA banners ({@code isa:} lines, with
     * {@code ONEDNN_VERBOSE=1}) and how often each kernel implementation ran (e.g. {@code jit:avx2}).
     */
    public record Outcome(JsonNode result, Set<String> isaBanners, Map<String, Integer> kernels) {
        /** Whether every objective's four ways agreed. */
        public boolean agree() {
            boolean[] all = {true};
            result.get("objectives").properties().forEach(o -> all[0] &= o.getValue().get("agree").asBoolean());
            return all[0];
        }
    }

    /**
     * Runs the probe in a child JVM of this classpath with {@code env} added to this JVM's environment
     * (minus any {@code ONEDNN_MAX_CPU_ISA}: the child gets exactly what {@code env} says), {@code threads}
     * compute threads and oneDNN's verbose output parsed; {@code args} as for {@link #main}.
     */
    public static Outcome inChildJvm(Map<String, String> env, int threads, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xss4m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + threads,
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove(KernelPolicy.ISA_VARIABLE);
        pb.environment().put("ONEDNN_VERBOSE", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        JsonNode result = null;
        Set<String> isa = new TreeSet<>();
        Map<String, Integer> kernels = new TreeMap<>();
        String banner = "onednn_verbose,v1,info,cpu,isa:";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("{")) {
                    result = new ObjectMapper().readTree(line);
                } else if (line.startsWith(banner)) {
                    isa.add(line.substring(banner.length()));
                } else if (line.startsWith("onednn_verbose,v1,primitive,exec,cpu,")) {
                    kernels.merge(line.split(",", 8)[6], 1, Integer::sum);
                }
            }
        }
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the determinism probe " + env + " did not finish in 600 s");
        }
        if (p.exitValue() != 0 || result == null) {
            throw new IOException("the determinism probe " + env + " x " + threads + " threads exited " + p.exitValue());
        }
        return new Outcome(result, isa, kernels);
    }
}
