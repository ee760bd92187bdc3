package org.elasticscrl.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.coordinator.ChunkLedger.State;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.ShellProtocol.Answer;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * The coordinator's answers to operators ({@code scrl shell}, {@code scrl status} …), as JSON: the
 * run's position and what it waits on, the run's identity (for a standby), the workers, recent
 * membership history, the ledger, the durable checkpoints — and their orders: drain a worker, admit a
 * quarantined one, pause, resume, checkpoint now. Reads the coordinator's own state; answers at once.
 */
final class Operators {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HISTORY = 200;

    private final Coordinator.Setup setup;
    private final Membership<WorkerLink> members;
    private final StepCycle steps;
    private final Roster roster;
    private final Deque<ObjectNode> history = new ArrayDeque<>();
    private final Map<String, long[]> checksums = new HashMap<>();
    private final Map<String, Long> heard = new HashMap<>();
    private final CrashLoops crashLoops;

    Operators(Coordinator.Setup setup, Membership<WorkerLink> members, StepCycle steps,
            Roster roster, CrashLoops crashLoops) {
        this.setup = setup;
        this.members = members;
        this.steps = steps;
        this.roster = roster;
        this.crashLoops = crashLoops;
    }

    /** A membership event, kept for {@code history}. */
    void event(long step, String worker, String what, String detail) {
        history.addLast(JSON.createObjectNode().put("unix_millis", System.currentTimeMillis()).put("step", step)
                .put("worker", worker).put("event", what).put("detail", detail));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
    }

    /** A worker was heard from (a contribution, an applied commit), with its checksum when it sent one. */
    void heard(String workerId, long step, long checksum) {
        heard.put(workerId, System.currentTimeMillis());
        if (checksum != 0) {
            checksums.put(workerId, new long[] {step, checksum});
        }
    }

    void answer(Query q) {
        ObjectNode out = JSON.createObjectNode();
        String error = switch (q.command()) {
            case "status" -> status(out);
            case "hello" -> null; // a shell or standby proving the secret: admitted, nothing to say
            case "run" -> { // what a standby coordinator adopts: it never runs a run of its own
                out.put("run", setup.runId()).put("save_dir", setup.cfg().saveDir()).put("config", setup.configYaml());
                yield null;
            }
            case "workers" -> workers(out);
            case "history" -> {
                out.putArray("events").addAll(history);
                yield null;
            }
            case "ledger" -> ledger(out);
            case "checkpoints" -> {
                out.set("manifest", JSON.valueToTree(steps.durable().manifest().contents()));
                yield null;
            }
            case "drain" -> drain(q.argument(), out);
            case "admit" -> admit(q.argument(), out);
            case "pause", "resume" -> {
                steps.pause(q.command().equals("pause"));
                roster.event("operator", q.command(), "asked from a shell");
                yield status(out);
            }
            case "checkpoint" -> steps.checkpointNow() ? status(out.put("checkpoint",
                    steps.step() == null ? "being written" : "after the step under way")) : "nothing committed yet";
            default -> "unknown command '" + q.command() + "'; the coordinator answers status, workers, history,"
                    + " ledger, checkpoints, drain, admit, pause, resume, checkpoint";
        };
        q.replyTo().tell(error == null ? new Answer(true, out.toString()) : error(error));
    }

    /** The answer a shell prints as an error: {@code {"error": why}}. */
    static Answer error(String why) {
        return new Answer(false, JSON.createObjectNode().put("error", why).toString());
    }

    private String status(ObjectNode out) {
        RunPlan plan = steps.plan();
        var t = setup.cfg().train();
        long committed = steps.lastCommitted();
        StepRun s = steps.step();
        out.put("run", setup.runId()).put("state", state()).put("waiting_on", waitingOn())
                .put("committed_step", committed).put("step", s == null ? -1 : s.step())
                .put("membership_epoch", members.epoch()).put("global_batch", t.batchSizeTrain())
                .put("active_workers", members.withStatus(Status.ACTIVE).size());
        if (plan != null) {
            long at = Math.max(0, committed);
            double mean = steps.times().meanSeconds();
            long left = plan.totalSteps() - committed - 1;
            out.put("total_steps", plan.totalSteps()).put("epoch", plan.epochOf(at)).put("max_epochs", t.maxEpochs())
                    .put("lr", plan.lr().valueAt(at)).put("tau", plan.tau().valueAt(at))
                    .put("samples_per_second", mean > 0 ? t.batchSizeTrain() / mean : 0)
                    .put("eta_seconds", mean > 0 ? left * mean : -1);
        }
        var split = steps.times().last();
        out.putObject("last_step_seconds").put("total", split.total()).put("compute", split.compute())
                .put("transfer", split.transfer()).put("wait", split.waiting());
        return null;
    }

    private String state() {
        if (steps.replicationWait() != null) {
            return "replicating";
        }
        if (steps.stall().why() != null) {
            return "disk-full";
        }
        if (steps.finishing()) {
            return "finishing";
        }
        if (steps.resuming()) {
            return "resuming";
        }
        if (steps.paused()) {
            return steps.step() == null ? "paused" : "pausing";
        }
        return steps.step() == null && steps.lastCommitted() < 0 ? "waiting-for-workers" : "training";
    }

    /** What the coordinator waits on right now, in words. */
    private String waitingOn() {
        String replication = steps.replicationWait();
        if (replication != null) {
            return replication;
        }
        if (steps.stall().why() != null) {
            return steps.stall().why();
        }
        StepRun s = steps.step();
        if (s == null) {
            if (steps.paused()) {
                return "resume (paused after step " + steps.lastCommitted() + ")";
            }
            return steps.resuming() ? "a worker holding the state of step " + steps.lastCommitted()
                    : steps.finishing() ? "the run's last tasks"
                    : "workers: " + members.withStatus(Status.ACTIVE).size() + " active of "
                            + setup.cfg().cluster().minWorkers() + " needed";
        }
        var ledger = s.ledger();
        StringBuilder b = new StringBuilder("step " + s.step() + ": " + ledger.inState(State.DONE).size() + " of "
                + ledger.chunkIds().size() + " chunks in");
        for (long lease : ledger.leases(State.LEASED)) {
            b.append("; lease ").append(lease).append(" at ").append(s.workerOf(lease));
        }
        if (!ledger.pending().isEmpty()) {
            b.append("; ").append(ledger.pending().size()).append(" chunks waiting for a free worker");
        }
        var quarantined = steps.quarantine().quarantinedIds();
        if (!quarantined.isEmpty()) {
            b.append("; quarantined (no leases until admitted): ").append(String.join(", ", quarantined));
        }
        return b.toString();
    }

    private String workers(ObjectNode out) {
        double total = members.withStatus(Status.ACTIVE).stream().mapToDouble(w -> w.speed()).sum();
        ArrayNode list = out.putArray("workers");
        long now = System.currentTimeMillis();
        for (var w : members.all()) {
            ObjectNode n = list.addObject().put("id", w.id).put("address", w.ref.path().address().toString())
                    .put("device", w.device).put("threads", w.threads).put("memory_bytes", w.memoryBytes)
                    .put("kernels", w.kernels())
                    .put("status", w.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("samples_per_second", w.speed())
                    .put("lease_share", w.status() == Status.ACTIVE && total > 0 ? w.speed() / total : 0)
                    .put("task", w.task()).put("quarantined", steps.quarantine().reason(w.id));
            Long last = heard.get(w.id);
            n.put("last_heard_seconds", last == null ? -1 : (now - last) / 1000.0);
            long[] sum = checksums.get(w.id);
            n.put("checksum", sum == null ? "" : Long.toHexString(sum[1])).put("checksum_step", sum == null ? -1 : sum[0]);
        }
        // workers whose JVMs died with fatal errors in a row; refused ones are not admitted again
        out.set("crashed", JSON.valueToTree(crashLoops.describe()));
        // workers whose contributions failed validation in a row; quarantined ones get no lease
        out.set("invalid_contributions", JSON.valueToTree(steps.quarantine().describe()));
        return null;
    }

    private String ledger(ObjectNode out) {
        RunPlan plan = steps.plan();
        if (plan == null) {
            return "no plan yet: no worker has opened the data";
        }
        long next = steps.lastCommitted() + 1;
        StepRun s = steps.step();
        out.put("epoch", plan.epochOf(Math.min(next, plan.totalSteps() - 1)))
                .put("steps_per_epoch", plan.stepsPerEpoch()).put("step_in_epoch", next % plan.stepsPerEpoch())
                .put("epoch_progress", (double) (next % plan.stepsPerEpoch()) / plan.stepsPerEpoch())
                .put("chunks_per_step", setup.cfg().train().chunksPerStep())
                .put("released_chunks_total", setup.metrics().releasedTotal());
        if (s != null) {
            var l = s.ledger();
            out.putObject("step_under_way").put("step", s.step()).put("done", l.inState(State.DONE).size())
                    .put("receiving", l.inState(State.RECEIVING).size()).put("leased", l.inState(State.LEASED).size())
                    .put("pending", l.pending().size());
        }
        return null;
    }

    /** Ends a worker's quarantine: it is leased chunks again (its failures so far are forgotten). */
    private String admit(String workerId, ObjectNode out) {
        String refusal = steps.quarantine().readmit(workerId);
        if (refusal != null) {
            return refusal;
        }
        roster.event(workerId, "admitted", "quarantine ended from a shell");
        steps.leasePending();
        out.put("worker", workerId).put("quarantined", false);
        return null;
    }

    private String drain(String workerId, ObjectNode out) {
        var w = members.get(workerId).orElse(null);
        if (w == null || w.status() != Status.ACTIVE) {
            return "no active worker '" + workerId + "'; active: " + String.join(", ",
                    members.withStatus(Status.ACTIVE).stream().map(x -> x.id).toList());
        }
        roster.drain(workerId, "asked from a shell");
        var after = members.get(workerId);
        out.put("worker", workerId).put("status", after.map(x -> x.status().name().toLowerCase(java.util.Locale.ROOT))
                .orElse("left"));
        return after.filter(x -> x.status() == Status.ACTIVE).isPresent()
                ? workerId + " is the last active worker: draining it would stop the run" : null;
    }
}
