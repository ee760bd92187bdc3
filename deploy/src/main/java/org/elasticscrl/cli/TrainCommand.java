package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.report.RunReport;
import org.elasticscrl.report.Table;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.core.run.TrainListener;
import org.elasticscrl.core.run.TrainResult;
import org.elasticscrl.core.run.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy;

/**
 * {@code scrl train --config NAME|FILE [--a/b=v …]}: single-process pretraining with a progress
 * bar, checkpoints, automatic resume and the evaluations; eval-only with
 * {@code --train/enabled=false --load_dir DIR}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Pretrain on one machine (resumes from --save_dir / --load_dir), then evaluate.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true,
            description = "Preset (scrl_200ep, scrl_1000ep, byol_200ep, byol_1000ep, byol_lc_400ep, triplet_200ep, scrl_cpu,"
                    + " byol_cpu, byol_lc_cpu, triplet_cpu) or YAML file.")
    String config;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/ is created (default: ${DEFAULT-VALUE}).")
    Path topDir;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ScrlConfig cfg = ConfigLoader.load(config, overrides);
        ComputeJvm.relaunchIfNeeded(KernelPolicy.Choice.of(cfg.train().deterministic()), List.of());
        TrainResult r = run(cfg, RunDirectory.configName(config), topDir);
        System.out.print(table(r));
        System.out.println("run directory: " + r.runDir() + " (config.yaml, checkpoints, metrics.csv, results.csv/json, curves.png)");
        return 0;
    }

    /** Trains {@code cfg} with a progress bar in its save_dir or the next {@code runs/{name}_NNN}. */
    static TrainResult run(ScrlConfig cfg, String name, Path top) throws Exception {
        RunDirectory dir = cfg.saveDir() != null ? RunDirectory.at(Path.of(cfg.saveDir()))
                : RunDirectory.createNext(top, name);
        ProgressListener progress = new ProgressListener();
        return new Trainer(cfg, dir, progress).run();
    }

    static String table(TrainResult r) {
        Table t = new Table("metric", "value");
        RunReport.rows(r).forEach((k, v) -> t.row(k, v));
        return t.toString();
    }

    /** Progress bar per epoch, one summary line per epoch, info lines as they come. */
    static final class ProgressListener implements TrainListener {
        private Progress bar;
        private int barEpoch = -1;

        @Override
        public void step(StepEvent e) {
            if (bar == null || barEpoch != e.epoch()) {
                bar = new Progress(String.format("epoch %d/%d", e.epoch(), e.maxEpochs()), e.stepsPerEpoch());
                barEpoch = e.epoch();
            }
            bar.update(e.step(), String.format(Locale.ROOT, "loss %.3f ce %.3f lr %.4g tau %.4f %.0f img/s eta %s",
                    e.sslLoss(), e.ceLoss(), e.lr(), e.tau(), e.imagesPerSecond(), Progress.clock(e.etaSeconds())));
        }

        @Override
        public void epoch(EpochEvent e) {
            if (bar != null) {
                bar.done();
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d: loss %.4f", e.epoch(), e.sslLoss()));
            if (Double.isFinite(e.onlineAccuracy())) {
                line.append(String.format(Locale.ROOT, ", online eval %.2f %%", 100 * e.onlineAccuracy()));
            }
            if (!e.skipped().isEmpty()) {
                line.append(", ").append(e.skipped().size()).append(" unreadable samples skipped (first: ")
                        .append(e.skipped().get(0)).append(')');
            }
            if (e.checkpoint() != null) {
                line.append(", saved ").append(e.checkpoint().getFileName());
            }
            line.append(String.format(Locale.ROOT, " [%.0f s]", e.seconds()));
            System.err.println(line);
        }

        @Override
        public void info(String message) {
            System.err.println(message);
        }
    }
}
