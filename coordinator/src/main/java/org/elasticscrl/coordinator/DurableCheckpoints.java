package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.config.ClusterConfig;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointSaved;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * The durable checkpoint cadence: after every {@code cluster.checkpoint_every_steps}-th commit,
 * {@code cluster.checkpoint_copies} active workers — on distinct hosts first, taking turns — each
 * write a copy of the state after that commit (they do it beside their computing), and the
 * manifest records where each copy lives. Holders are told after the commit, so the copy is of
 * exactly that step's state. A checkpoint with fewer copies than asked is recorded, not durable.
 */
final class DurableCheckpoints {
    private final ClusterConfig cfg;
    private final CheckpointManifest manifest;
    private final Roster roster;
    private int turn;
    /** An operator asked for a checkpoint: the next commit gets one whatever the cadence. */
    private boolean asked;

    DurableCheckpoints(ClusterConfig cfg, CheckpointManifest manifest, Roster roster) {
        this.cfg = cfg;
        this.manifest = manifest;
        this.roster = roster;
    }

    CheckpointManifest manifest() {
        return manifest;
    }

    /** Commit {@code state.committedStep()} was announced: ask for copies when the cadence says so. */
    void afterCommit(RunState state, int epoch, int stepInEpoch, Membership<WorkerLink> members) {
        long step = state.committedStep();
        boolean due = cfg.checkpointEverySteps() > 0 && (step + 1) % cfg.checkpointEverySteps() == 0;
        if (!due && !asked) {
            return;
        }
        asked = false;
        var holders = holders(members.withStatus(Status.ACTIVE));
        if (holders.isEmpty()) {
            roster.event("coordinator", "checkpoint-skipped", "step " + step + ": no active worker holds the state");
            return;
        }
        try {
            manifest.begin(state, epoch, stepInEpoch, holders.stream().map(w -> w.id).toList());
        } catch (java.io.UncheckedIOException e) { // a full disk: no copy is asked that the manifest cannot list
            roster.event("coordinator", "checkpoint-skipped", "step " + step + ": " + e.getMessage() + ": "
                    + e.getCause().getMessage());
            return;
        }
        // the holders delete only copies older than these: the newest durable ones stay until newer ones are
        List<Long> keep = manifest.durable().stream().limit(cfg.checkpointsKept()).map(CheckpointManifest.Entry::step)
                .toList();
        var request = new WorkerProtocol.SaveCheckpoint(step, CheckpointManifest.json(state), keep);
        holders.forEach(w -> w.ref.tell(request));
        roster.event("coordinator", "checkpoint", "step " + step + ": copies by "
                + String.join(" ", holders.stream().map(w -> w.id).toList())
                + (holders.size() < cfg.checkpointCopies() ? " (fewer than the " + cfg.checkpointCopies()
                        + " copies asked: not durable)" : ""));
    }

    /**
     * An operator's "checkpoint now": of {@code state} at once when given (no step under way),
     * else after the next commit. Returns true (asked).
     */
    boolean now(RunState state, RunPlan plan, Membership<WorkerLink> members) {
        asked = true;
        if (state != null) {
            long s = state.committedStep();
            afterCommit(state, plan.epochOf(s), (int) (s % plan.stepsPerEpoch()), members);
        }
        return true;
    }

    /** Distinct hosts first, then the others; the starting worker rotates so the writing is shared. */
    private List<Membership.Worker<WorkerLink>> holders(
            List<Membership.Worker<WorkerLink>> active) {
        List<Membership.Worker<WorkerLink>> order = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            order.add(active.get((turn + i) % active.size()));
        }
        turn++;
        List<Membership.Worker<WorkerLink>> chosen = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        for (var w : order) {
            if (chosen.size() < cfg.checkpointCopies() && hosts.add(host(w.ref.ref()))) {
                chosen.add(w);
            }
        }
        for (var w : order) {
            if (chosen.size() < cfg.checkpointCopies() && !chosen.contains(w)) {
                chosen.add(w);
            }
        }
        return chosen;
    }

    private static String host(ActorRef<?> ref) {
        var a = ref.path().address();
        return a.host().isDefined() ? a.host().get() : a.toString();
    }

    /** A holder's answer. */
    void saved(CheckpointSaved m, String node) {
        boolean ok = m.error().isEmpty();
        var copy = new CheckpointManifest.Copy(m.workerId(), node, m.path(), Long.toHexString(m.crc32c()), m.bytes());
        CheckpointManifest.Entry durable;
        try {
            durable = manifest.saved(m.step(), copy, m.error());
        } catch (java.io.UncheckedIOException e) { // kept in memory: the next write of the manifest records it
            roster.event("coordinator", "manifest-unwritten", e.getMessage() + ": " + e.getCause().getMessage());
            return;
        }
        if (!ok) {
            roster.event(m.workerId(), "checkpoint-failed", "step " + m.step() + ": " + m.error());
        } else if (durable != null) {
            roster.event("coordinator", "checkpoint-durable", "step " + m.step() + ": "
                    + String.join(" ", durable.copies().stream().map(c -> c.worker() + ":" + c.path()).toList()));
        }
    }
}
