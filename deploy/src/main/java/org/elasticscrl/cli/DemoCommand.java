package org.elasticscrl.cli;

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
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.eval.LinearProbe;
import org.elasticscrl.report.Table;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.core.run.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scrl demo}: on fashion-scenes (canvases composed from real Fashion-MNIST items), evaluate
 * a randomly initialised backbone, pretrain BYOL and SCRL with the CPU presets, and print the
 * comparison: global linear accuracy (Fashion-MNIST items) and RoI linear accuracy on the scenes'
 * ground-truth boxes (the paper's Table 10 protocol). Sized to finish in minutes on two cores.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Random init vs BYOL vs SCRL on fashion-scenes, at CPU scale, with the evaluation table.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "1800",
            description = "Scenes in the pretraining set (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--epochs", defaultValue = "2", description = "Pretraining epochs per method (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--eval-images", defaultValue = "1000",
            description = "Test images (and scenes) per evaluation; twice as many train the probes (default: ${DEFAULT-VALUE}).")
    int evalImages;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/demo_NNN is created.")
    Path topDir;

    @Option(names = "--root", description = "Fashion-MNIST directory (default: the Debian package's).")
    String root;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = RunDirectory.createNext(topDir, "demo");
        System.err.printf("scrl demo: %d scenes x %d epochs per method, results in %s%n", images, epochs, dir);
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
        Map<String, TrainResult> rows = new LinkedHashMap<>();
        rows.put("random init", TrainCommand.run(load("scrl_cpu", common, dir.resolve("random"), "--train/enabled=false"),
                "random", topDir));
        rows.put("BYOL", TrainCommand.run(load("byol_cpu", common, dir.resolve("byol")), "byol", topDir));
        rows.put("SCRL", TrainCommand.run(load("scrl_cpu", common, dir.resolve("scrl")), "scrl", topDir));

        Table t = new Table("backbone", "pretraining images", "final SSL loss", "global linear acc", "RoI linear acc",
                "train time");
        Map<String, Object> json = new LinkedHashMap<>();
        rows.forEach((name, r) -> {
            t.row(name, Long.toString(r.images()), num(r.finalLoss()), pct(r.globalLinear()), pct(r.roiLinear()),
                    String.format(Locale.ROOT, "%.0f s", r.trainSeconds()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.runDir().toString());
            m.put("images", r.images());
            m.put("global_linear_accuracy", r.globalLinear() == null ? null : r.globalLinear().last());
            m.put("roi_linear_accuracy", r.roiLinear() == null ? null : r.roiLinear().last());
            m.put("train_seconds", r.trainSeconds());
            json.put(name, m);
        });
        String table = t.toString();
        System.out.println();
        System.out.println("fashion-scenes (composed from Fashion-MNIST), frozen backbones, linear probes (last epoch):");
        System.out.print(table);
        Files.writeString(dir.resolve("results.txt"), table);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        System.out.println("details: " + dir + " (each method's run directory has curves.png and results.json)");
        return 0;
    }

    private static ScrlConfig load(String preset, List<String> common, Path saveDir, String... extra) {
        List<String> args = new ArrayList<>(common);
        args.add("--save_dir=" + saveDir);
        args.addAll(List.of(extra));
        return ConfigLoader.load(preset, args);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String pct(LinearProbe.Result r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * r.last());
    }
}
