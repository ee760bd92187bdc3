package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.core.run.TrainResult;
import org.elasticscrl.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy;

/**
 * {@code scrl demo}: on fashion-scenes (canvases composed from real Fashion-MNIST items), evaluate
 * a randomly initialised backbone, then pretrain each method on an elastic local cluster — two
 * worker JVMs, a third joining a quarter of the way in, the first draining later — and print the
 * comparison: global linear accuracy (Fashion-MNIST items) and RoI linear accuracy on the scenes'
 * ground-truth boxes (the paper's Table 10 protocol), with who took part when and whether the
 * replicas stayed identical. {@code --workers 0} trains in this process instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Random init vs BYOL and SCRL (and BYOL + LC, triplet) on fashion-scenes, pretrained on an elastic local"
                + " cluster, with the evaluation table.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "1800",
            description = "Scenes in the pretraining set (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--epochs", defaultValue = "2", description = "Pretraining epochs per method (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--eval-images", defaultValue = "1000",
            description = "Test images (and scenes) per evaluation; twice as many train the probes (default: ${DEFAULT-VALUE}).")
    int evalImages;

    @Option(names = "--methods", defaultValue = "byol,scrl", split = ",",
            description = "Objectives to pretrain, each with its CPU preset: byol, byol_lc, triplet, scrl, or all"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--workers", defaultValue = "2",
            description = "Worker JVMs at the start of each run; 0 trains in this process (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--join-at", description = "Step at which one more worker joins (default: a quarter of the run; -1: none).")
    Long joinAt;

    @Option(names = "--leave-at", description = "Step at which worker-0 drains and leaves (default: 5/8 of the run; -1: none).")
    Long leaveAt;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/demo_NNN is created.")
    Path topDir;

    @Option(names = "--root", description = "Fashion-MNIST directory (default: the Debian package's).")
    String root;

    private static final Map<String, String> NAMES = Map.of("byol", "BYOL", "scrl", "SCRL", "byol_lc", "BYOL + LC",
            "triplet", "Triplet");

    /** One line of the table. */
    private record Row(String name, long images, double finalLoss, Double global, Double roi, double seconds,
            String runDir, String membership, String checksums) {}

    private static final List<String> ALL = List.of("byol", "byol_lc", "triplet", "scrl");

    @Override
    public Integer call() throws Exception {
        try {
            methods = resolve(methods);
        } catch (IllegalArgumentException e) {
            System.err.println("scrl demo: " + e.getMessage());
            return 2;
        }
        // the random backbone is evaluated here, and --workers 0 trains here: with the CPU presets' kernels
        ComputeJvm.relaunchIfNeeded(KernelPolicy.Choice.DETERMINISTIC, List.of());
        RunDirectory dir = RunDirectory.createNext(topDir, "demo");
        List<String> common = new ArrayList<>(List.of(
                "--dataset/train_size=" + images, "--train/max_epochs=" + epochs,
                "--train/warmup_epochs=" + Math.max(0, Math.min(1, epochs - 1)), "--train/snapshot_interval=" + epochs,
                "--dataset/eval_size=" + evalImages, "--eval/train_size=" + 2 * evalImages,
                "--eval/test_size=" + evalImages,
                // one probe recipe for every model, so the rows compare backbones, not probes
                "--eval/optim/lr=0.2"));
        if (root != null) {
            common.add("--dataset/root=" + root);
        }
        long steps = LocalCommand.totalSteps(load("scrl_cpu", common, dir.resolve("plan")));
        long join = joinAt != null ? joinAt : steps / 4;
        long leave = leaveAt != null ? leaveAt : steps * 5 / 8;
        System.err.printf("scrl demo: %d scenes x %d epochs (%d steps) per method, %s; results in %s%n", images, epochs,
                steps, workers == 0 ? "in this process" : workers + " workers" + (join >= 0 ? ", one joins at step " + join : "")
                        + (leave >= 0 ? ", worker-0 leaves at step " + leave : ""), dir);

        List<Row> rows = new ArrayList<>();
        rows.add(single("random init", load("scrl_cpu", common, dir.resolve("random"), "--train/enabled=false")));
        for (String method : methods) {
            String preset = method.trim() + "_cpu";
            String name = NAMES.getOrDefault(method.trim(), method.trim());
            Path save = dir.resolve(method.trim());
            rows.add(workers == 0 ? single(name, load(preset, common, save))
                    : clustered(name, preset, common, save, steps, join, leave));
        }
        print(dir.path(), rows, methods.stream().anyMatch(m -> m.trim().equals("triplet")));
        return rows.stream().anyMatch(r -> r.global() == null) ? 1 : 0;
    }

    /** The objectives named by {@code --methods}, {@code all} expanded, in the order given, once each. */
    static List<String> resolve(List<String> names) {
        List<String> out = names.stream().map(String::trim).flatMap(m -> m.equals("all") ? ALL.stream() : Stream.of(m))
                .distinct().toList();
        for (String m : out) {
            if (!ALL.contains(m)) {
                throw new IllegalArgumentException("unknown method '" + m + "' in --methods; available: "
                        + String.join(", ", ALL) + ", all");
            }
        }
        return out;
    }

    private Row single(String name, ScrlConfig cfg) throws Exception {
        TrainResult r = TrainCommand.run(cfg, name, topDir);
        return new Row(name, r.images(), r.finalLoss(), r.globalLinear() == null ? null : r.globalLinear().last(),
                r.roiLinear() == null ? null : r.roiLinear().last(), r.trainSeconds(), r.runDir().toString(), "1 process", "-");
    }

    private Row clustered(String name, String preset, List<String> common, Path save, long steps, long join, long leave)
            throws Exception {
        List<String> args = new ArrayList<>(common);
        args.add("--save_dir=" + save.toAbsolutePath());
        args.add("--cluster/min_workers=" + workers); // the first step waits for every starting worker
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare(preset, args, topDir);
        LocalRun.Script script = new LocalRun.Script(workers, join >= 0 ? List.of(join) : List.of(),
                leave >= 0 ? List.of(leave + ":0") : List.of(), List.of(), null, List.of());
        LocalRun.Outcome out = LocalRun.run(run, script, 0, steps, name);
        JsonNode r = ClusterResults.results(out.dir());
        if (out.exitCode() != 0 || r == null) {
            System.err.printf("%s: the cluster run failed (exit %d); see %s/coordinator.log and worker-N.log%n", name,
                    out.exitCode(), out.dir());
            return new Row(name, 0, Double.NaN, null, null, out.seconds(), out.dir().toString(), "failed", "-");
        }
        JsonNode eval = r.path("final_eval");
        return new Row(name, ClusterResults.samples(out.dir()), r.path("final_ssl_loss").asDouble(Double.NaN),
                number(eval.path("global_linear").path("last")), number(eval.path("roi_linear").path("last")),
                out.seconds(), out.dir().toString(), ClusterResults.membership(out.dir()), ClusterResults.checksums(out.dir()));
    }

    private static void print(Path dir, List<Row> rows, boolean triplet) throws Exception {
        Table t = new Table("backbone", "pretraining images", "final SSL loss", "global linear acc", "RoI linear acc",
                "wall time");
        Map<String, Object> json = new LinkedHashMap<>();
        StringBuilder notes = new StringBuilder();
        for (Row r : rows) {
            t.row(r.name(), Long.toString(r.images()), num(r.finalLoss()), pct(r.global()), pct(r.roi()),
                    r.seconds() > 0 ? String.format(Locale.ROOT, "%.0f s", r.seconds()) : "-");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.runDir());
            m.put("images", r.images());
            m.put("final_ssl_loss", Double.isFinite(r.finalLoss()) ? r.finalLoss() : null);
            m.put("global_linear_accuracy", r.global());
            m.put("roi_linear_accuracy", r.roi());
            m.put("seconds", r.seconds());
            m.put("membership", r.membership());
            m.put("replica_checksums", r.checksums());
            json.put(r.name(), m);
            if (!r.checksums().equals("-")) {
                notes.append(String.format("%s: %s%n%s  replicas: %s%n", r.name(), r.membership(),
                        " ".repeat(r.name().length()), r.checksums()));
            }
        }
        if (triplet) {
            notes.append("Triplet's loss keeps its margin: its floor is 2 x (margin - 2 gamma - 2) = 188, not 0.\n");
        }
        String table = t.toString();
        System.out.println();
        System.out.println("fashion-scenes (composed from Fashion-MNIST), frozen backbones, linear probes (last epoch):");
        System.out.print(table);
        System.out.print(notes);
        Files.writeString(dir.resolve("results.txt"), table + notes);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        System.out.println("details: " + dir + " (each method's run directory has curves.png, results.json and the"
                + " cluster's commits.csv, checksums.csv, membership.csv and logs)");
    }

    private static ScrlConfig load(String preset, List<String> common, Path saveDir, String... extra) {
        List<String> args = new ArrayList<>(common);
        args.add("--save_dir=" + saveDir);
        args.addAll(List.of(extra));
        return ConfigLoader.load(preset, args);
    }

    private static Double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * v);
    }
}
