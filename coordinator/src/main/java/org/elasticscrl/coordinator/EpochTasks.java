package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticscrl.config.ScrlConfig;

/**
 * The epoch cadence the coordinator drives: which tasks follow an epoch (online evaluation every
 * {@code valid_interval} epochs, a checkpoint every {@code snapshot_interval} and at the end, the
 * final evaluation at the end), who runs them, and the epoch's loss until its row can be written.
 */
final class EpochTasks {
    private final ScrlConfig cfg;
    private final Map<String, List<String>> running = new HashMap<>();
    private double lossSum;
    private long samples;

    EpochTasks(ScrlConfig cfg) {
        this.cfg = cfg;
    }

    void addStep(double sslLossSum, long stepSamples) {
        lossSum += sslLossSum;
        samples += stepSamples;
    }

    /** The running epoch's loss sum and samples so far (replicated with the run state). */
    double lossSum() {
        return lossSum;
    }

    long samples() {
        return samples;
    }

    /** The epoch's mean loss (and a fresh start for the next). */
    double closeEpoch() {
        double loss = samples == 0 ? Double.NaN : lossSum / samples;
        lossSum = 0;
        samples = 0;
        return loss;
    }

    /** Tasks after {@code epoch}, in the order they run. */
    List<String> after(int epoch, boolean last) {
        var t = cfg.train();
        List<String> tasks = new ArrayList<>();
        if (t.onlineEval() && (epoch % t.validInterval() == 0 || last)) {
            tasks.add("online_eval");
        }
        if (epoch % t.snapshotInterval() == 0 || last) {
            tasks.add("checkpoint");
        }
        if (last && cfg.eval().enabled()) {
            tasks.add("final_eval");
        }
        return tasks;
    }

    void assign(String worker, List<String> tasks) {
        running.computeIfAbsent(worker, w -> new ArrayList<>()).addAll(tasks);
    }

    /** {@code worker} finished {@code task}; true when it has none left. */
    boolean done(String worker, String task) {
        List<String> left = running.getOrDefault(worker, new ArrayList<>());
        left.remove(task);
        if (left.isEmpty()) {
            running.remove(worker);
            return true;
        }
        return false;
    }

    /** The tasks a departing worker had not finished. */
    List<String> takeFrom(String worker) {
        List<String> t = running.remove(worker);
        return t == null ? List.of() : t;
    }

    boolean idle() {
        return running.isEmpty();
    }
}
