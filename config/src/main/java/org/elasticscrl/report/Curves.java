package org.elasticscrl.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code curves.png} of a run: loss, online accuracy, learning rate and τ. */
public final class Curves {
    private Curves() {}

    /** Loss per step, online accuracy per epoch, LR and τ per step. */
    public static void write(Path png, MetricsLog log) throws IOException {
        List<MetricsLog.StepRow> steps = log.steps();
        List<MetricsLog.EpochRow> epochs = log.epochs();
        double[] x = steps.stream().mapToDouble(MetricsLog.StepRow::globalStep).toArray();
        double[] ex = epochs.stream().mapToDouble(MetricsLog.EpochRow::epoch).toArray();
        List<LineChart.Panel> panels = new ArrayList<>();
        panels.add(new LineChart.Panel("self-supervised loss", "step", List.of(
                new LineChart.Series("loss", x, steps.stream().mapToDouble(MetricsLog.StepRow::sslLoss).toArray()))));
        panels.add(new LineChart.Panel("online evaluator accuracy (%)", "epoch", List.of(
                new LineChart.Series("eval split", ex, epochs.stream().mapToDouble(e -> 100 * e.onlineAccuracy()).toArray()),
                new LineChart.Series("train batches", epochs.stream().mapToDouble(MetricsLog.EpochRow::epoch).toArray(),
                        trainAccuracyPerEpoch(steps, epochs)))));
        panels.add(new LineChart.Panel("learning rate", "step", List.of(
                new LineChart.Series("lr", x, steps.stream().mapToDouble(MetricsLog.StepRow::lr).toArray()))));
        panels.add(new LineChart.Panel("EMA momentum tau", "step", List.of(
                new LineChart.Series("tau", x, steps.stream().mapToDouble(MetricsLog.StepRow::tau).toArray()))));
        LineChart.write(png, panels, 2);
    }

    private static double[] trainAccuracyPerEpoch(List<MetricsLog.StepRow> steps, List<MetricsLog.EpochRow> epochs) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            int e = epochs.get(i).epoch();
            out[i] = 100 * steps.stream().filter(s -> s.epoch() == e).mapToDouble(MetricsLog.StepRow::accuracy)
                    .filter(Double::isFinite).average().orElse(Double.NaN);
        }
        return out;
    }

}
