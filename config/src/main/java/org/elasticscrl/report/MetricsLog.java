package org.elasticscrl.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-step and per-epoch metrics of a run, appended to {@code metrics.csv} and
 * {@code epochs.csv} (so a resumed run continues the same files) and kept for the plots.
 */
public final class MetricsLog implements AutoCloseable {
    /**
     * One optimizer step: {@code imagesPerSecond} is the smoothed rate a progress bar shows,
     * {@code stepSeconds} this step's own wall time (NaN in files written before it was recorded).
     */
    public record StepRow(long globalStep, int epoch, double sslLoss, double ceLoss, double accuracy,
            double lr, double tau, double imagesPerSecond, double stepSeconds) {}

    /** One epoch; NaN where something was not measured. */
    public record EpochRow(int epoch, double sslLoss, double onlineAccuracy, int skipped, double seconds) {}

    private final BufferedWriter steps;
    private final BufferedWriter epochs;
    private final List<StepRow> stepRows = new ArrayList<>();
    private final List<EpochRow> epochRows = new ArrayList<>();

    /** Opens (or continues, after a resume) the run's metric files. */
    public MetricsLog(Path dir) throws IOException {
        Path stepFile = dir.resolve("metrics.csv");
        Path epochFile = dir.resolve("epochs.csv");
        for (double[] v : previous(stepFile)) {
            if (v.length >= 8) {
                stepRows.add(new StepRow((long) v[0], (int) v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                        v.length > 8 ? v[8] : Double.NaN));
            }
        }
        for (double[] v : previous(epochFile)) {
            epochRows.add(new EpochRow((int) v[0], v[1], v[2], (int) v[3], v[4]));
        }
        steps = open(stepFile, "global_step,epoch,ssl_loss,ce_loss,online_accuracy,lr,tau,images_per_s,step_seconds");
        epochs = open(epochFile, "epoch,ssl_loss,online_eval_accuracy,skipped_samples,seconds");
    }

    /** Rows already in a file (a resumed run continues its curves); unparsable lines are ignored. */
    private static List<double[]> previous(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String[] row : Csv.dataRows(file, 1)) {
            try {
                rows.add(java.util.Arrays.stream(row).mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException e) {
                // a line cut short by a crash: the run continues without it
            }
        }
        return rows;
    }

    private static BufferedWriter open(Path file, String header) throws IOException {
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (fresh) {
            w.write(header);
            w.newLine();
        }
        return w;
    }

    public void step(StepRow r) throws IOException {
        stepRows.add(r);
        steps.write(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.4f,%.6g,%.6f,%.1f,%.4f", r.globalStep(),
                r.epoch(), r.sslLoss(), r.ceLoss(), r.accuracy(), r.lr(), r.tau(), r.imagesPerSecond(), r.stepSeconds()));
        steps.newLine();
    }

    public void epoch(EpochRow r) throws IOException {
        epochRows.add(r);
        epochs.write(String.format(Locale.ROOT, "%d,%.6f,%.4f,%d,%.1f", r.epoch(), r.sslLoss(), r.onlineAccuracy(),
                r.skipped(), r.seconds()));
        epochs.newLine();
        steps.flush();
        epochs.flush();
    }

    public List<StepRow> steps() {
        return List.copyOf(stepRows);
    }

    public List<EpochRow> epochs() {
        return List.copyOf(epochRows);
    }

    @Override
    public void close() throws IOException {
        steps.close();
        epochs.close();
    }
}
