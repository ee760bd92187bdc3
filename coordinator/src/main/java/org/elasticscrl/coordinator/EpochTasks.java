package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.WorkerProtocol;
import org.slf4j.Logger;

/**
 * The epoch cadence the coordinator drives: which tasks follow an epoch (online evaluation every
 * {@code valid_interval} epochs, a checkpoint every {@code snapshot_interval} and at the end, the
 * final evaluation at the end), who runs them (the first active worker; another one if it
 * leaves), and the epoch's loss until its row of {@code epochs.csv} can be written.
 */
final class EpochTasks {
    private final ScrlConfig cfg;
    private final Membership<WorkerLink> members;
    private final RunFiles files;
    private final Roster roster;
    private final Logger log;
    private final Map<String, List<String>> running = new HashMap<>();
    /** Epoch losses waiting for their online evaluation before the epoch row is written. */
    private final Map<Integer, Double> epochLoss = new HashMap<>();
    private final long runStartNanos = System.nanoTime();
    private final EpochSums sums;
    private String finalEval = "";
    private boolean finishing;

    EpochTasks(ScrlConfig cfg, Membership<WorkerLink> members, RunFiles files,
            Roster roster, Logger log) {
        this.cfg = cfg;
        this.members = members;
        this.files = files;
        this.roster = roster;
        this.log = log;
        this.sums = new EpochSums(cfg.cluster().replaySteps());
    }

    /** The last epoch has ended: no more steps. */
    boolean finishing() {
        return finishing;
    }

    /** The final evaluation's JSON ("" until it ran). */
    String finalEval() {
        return finalEval;
    }

    /** {@code epoch} ended: assign its tasks; true when the run is over with nothing left to run. */
    boolean end(int epoch, boolean last) {
        double loss = sums.close();
        List<String> todo = after(epoch, last);
        finishing |= last;
        var designated = members.withStatus(Status.ACTIVE).stream().findFirst();
        if (!todo.contains("online_eval") || designated.isEmpty()) {
            files.epochRow(epoch, loss, Double.NaN, (System.nanoTime() - runStartNanos) / 1e9);
        } else {
            epochLoss.put(epoch, loss);
        }
        if (designated.isEmpty() || todo.isEmpty()) {
            return last;
        }
        assign(designated.get(), todo, epoch);
        return false;
    }

    private void assign(Membership.Worker<WorkerLink> w, List<String> todo, int epoch) {
        members.task(w.id, String.join("+", todo));
        assign(w.id, todo);
        todo.forEach(task -> w.ref.tell(new WorkerProtocol.RunTask(task, epoch)));
    }

    /** A task finished; true when it was the last one of the run's end. */
    boolean completed(TaskCompleted m) {
        roster.event(m.workerId(), "task", m.task() + " epoch " + m.epoch() + ": " + m.result());
        if (m.task().equals("online_eval")) {
            Double loss = epochLoss.remove(m.epoch());
            files.epochRow(m.epoch(), loss == null ? Double.NaN : loss, Json.number(m.result(), "online_accuracy"),
                    (System.nanoTime() - runStartNanos) / 1e9);
        } else if (m.task().equals("final_eval")) {
            finalEval = m.result();
        }
        if (done(m.workerId(), m.task())) {
            members.get(m.workerId()).ifPresent(w -> members.task(w.id, null));
            return finishing && idle();
        }
        return false;
    }

    /** A departing worker's unfinished tasks go to another active worker. */
    void reassign(String workerId, int epoch) {
        List<String> left = takeFrom(workerId);
        if (left.isEmpty()) {
            return;
        }
        var other = members.withStatus(Status.ACTIVE).stream().findFirst();
        if (other.isEmpty()) {
            log.error("tasks {} lost with worker {}: no other active worker", left, workerId);
            return;
        }
        assign(other.get(), left, epoch);
    }

    /** The running epoch's sums, and those recorded with the last commits. */
    EpochSums sums() {
        return sums;
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
