package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.coordinator.Membership.Status;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointLoaded;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.StateChecksum;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Where each worker's replica starts: its own state (the initial one, or the last commit it
 * applied), a live peer's state (a joiner — never the coordinator's: it holds none), or, after a
 * whole-cluster restart, a durable checkpoint one worker loads and the others then copy. When a
 * worker waits for a state that no live replica holds any more (every replica died, or was downed),
 * the run goes back to the newest durable checkpoint after {@link #ORPHANED} — unless a replica returns
 * meanwhile — instead of waiting for good: the steps after it are computed again. Part of the
 * coordinator actor: it sends what its decisions say.
 */
final class StateSync {
    /** How long a waiting worker waits for a replica to return before the run goes back to a checkpoint. */
    static final Duration ORPHANED = Duration.ofSeconds(5);

    /** Time to decide whether the waiting workers are still orphaned. */
    record OrphanCheck() implements Command {}

    private final Membership<WorkerLink> members;
    private final StepCycle steps;
    private final Roster roster;
    private final TimerScheduler<Command> timers;
    private final ChecksumBook checksums;
    private final ReturningReplicas returning = new ReturningReplicas();
    /** Joiner → the peer it copies its state from ("" while none is available). */
    private final Map<String, String> sources = new HashMap<>();
    /** Set while a whole-cluster restart waits for a worker to load its checkpoint. */
    private Restart restart;

    StateSync(Membership<WorkerLink> members, StepCycle steps, Roster roster, TimerScheduler<Command> timers,
            ChecksumBook checksums) {
        this.members = members;
        this.steps = steps;
        this.roster = roster;
        this.timers = timers;
        this.checksums = checksums;
    }

    /**
     * No replicated state: a new run (nothing recorded), a finished one, or a whole-cluster restart — the
     * run resumes from the newest durable checkpoint, which the first worker waiting for a state loads.
     */
    void restartIfRecorded(CheckpointManifest manifest, java.util.function.Consumer<Coordinator.Finished> finished) {
        var durable = manifest.durable();
        if (durable.isEmpty()) {
            return;
        }
        var newest = durable.get(0);
        if (newest.runState().finished()) {
            finished.accept(new Coordinator.Finished(newest.step() + 1, ""));
            return;
        }
        steps.resume(newest.runState());
        members.continueAfter(newest.runState().membershipEpoch());
        restart = new Restart(durable);
        roster.event("coordinator", "restart", "no live run state: resuming from the durable checkpoint after step "
                + newest.step() + " (" + newest.copies().size() + " copies, " + manifest.file() + ")");
    }

    /** {@code workerId}'s replica holds the run's state after {@code step}: it takes leases from now. */
    void activate(String workerId, long step, String how) {
        members.get(workerId).ifPresent(w -> {
            members.setStatus(workerId, Status.ACTIVE);
            sources.remove(workerId);
            w.ref.tell(new WorkerProtocol.SyncFrom(step, null));
            roster.event(workerId, "active", how);
        });
        retryWaiting();
    }

    /**
     * {@code worker} comes back with its own replica after commit {@code step} (it registered again: downed and
     * started a new node, or resynchronised), while that commit's successors are still served: reused only when
     * its checksum shows it is the run's state ({@link ReturningReplicas}), else a peer's state is copied.
     */
    void returned(String worker, long step, long checksum) {
        List<String> peers = members.withStatus(Status.ACTIVE, Status.DRAINING).stream().map(w -> w.id)
                .filter(id -> !id.equals(worker)).toList();
        follow(worker, step, returning.judge(worker, step, checksum, checksums.reference(step), steps.lastCommitted(),
                peers), false);
    }

    /** A peer's checksum, asked for a returning replica. */
    void answered(StateChecksum m) {
        returning.answered(m.workerId(), m.step(), m.checksum()).forEach((worker, verdict) ->
                follow(worker, m.step(), verdict, true));
    }

    /** {@code asked}: the worker waited (syncing) since the last commit was {@code step}, receiving every later one. */
    private void follow(String worker, long step, ReturningReplicas.Verdict verdict, boolean asked) {
        var w = members.get(worker).orElse(null);
        if (w == null) {
            return;
        }
        String own = "own replica at step " + step;
        if (verdict instanceof ReturningReplicas.Reuse r) {
            var missing = asked ? null : steps.catchUp(step);
            if (missing == null || missing.isEmpty()) {
                activate(worker, step, own + ", " + r.how());
            } else {
                activate(worker, step, own + ", " + r.how() + ", catching up " + missing.size() + " commits");
                missing.forEach(w.ref::tell);
            }
            steps.leasePending();
        } else if (verdict instanceof ReturningReplicas.Ask a) {
            members.setStatus(worker, Status.SYNCING);
            members.get(a.peer()).ifPresent(p -> p.ref.tell(new WorkerProtocol.ReportChecksum(step)));
            roster.event(worker, "checking", own + ": asking " + a.peer() + " for its state's checksum");
        } else if (verdict instanceof ReturningReplicas.Copy c) {
            members.setStatus(worker, Status.SYNCING);
            roster.event(worker, "own-replica-refused", own + ": " + c.why() + "; copying a peer's state");
            request(worker);
        }
    }

    /** Joiners that found no live replica to copy ask again. */
    private void retryWaiting() {
        sources.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList()
                .forEach(this::request);
    }

    /** Asks a live peer for its state on behalf of {@code joiner} (or, restarting, a checkpoint load). */
    void request(String joiner) {
        var source = members.withStatus(Status.ACTIVE).stream().filter(w -> !w.id.equals(joiner)).findFirst();
        if (source.isEmpty()) {
            sources.put(joiner, "");
            if (restart != null) {
                loadNext();
            } else if (orphaned()) {
                timers.startSingleTimer(OrphanCheck.class, new OrphanCheck(), ORPHANED);
                roster.event(joiner, "waiting", "no live replica holds the state: going back to the newest durable"
                        + " checkpoint in " + ORPHANED.toSeconds() + " s unless one returns");
            } else {
                roster.event(joiner, "waiting", "no live replica to copy the state from");
            }
            return;
        }
        sources.put(joiner, source.get().id);
        source.get().ref.tell(new WorkerProtocol.ProvideState(joiner));
        roster.event(joiner, "syncing", "state from " + source.get().id);
    }

    void offered(StateOffered m) {
        members.get(m.forWorker()).filter(w -> w.status() == Status.SYNCING).ifPresent(w -> {
            roster.event(w.id, "state-offered", "by " + m.workerId() + " at step " + m.step());
            w.ref.tell(new WorkerProtocol.SyncFrom(m.step(), m.state()));
        });
    }

    void completed(SyncCompleted m) {
        members.get(m.workerId()).filter(w -> w.status() == Status.SYNCING).ifPresent(w -> {
            sources.remove(m.workerId());
            members.setStatus(m.workerId(), Status.ACTIVE);
            roster.event(m.workerId(), "active", "synced at step " + m.step());
            retryWaiting();
            steps.leasePending();
        });
    }

    /**
     * A peer left: joiners copying from it ask another; returning replicas waiting for its checksum are judged
     * again; a checkpoint it was loading goes to another worker.
     */
    void left(String workerId) {
        sources.remove(workerId);
        returning.left(workerId).forEach((worker, stepAndChecksum) -> returned(worker, stepAndChecksum[0],
                stepAndChecksum[1]));
        if (restart != null) {
            restart.left(workerId);
        }
        sources.entrySet().stream().filter(e -> e.getValue().equals(workerId)).map(Map.Entry::getKey).toList()
                .forEach(this::request);
        if (restart != null) {
            loadNext();
        }
    }

    /** The run has a state no member holds (none active or draining, no takeover under way) and a checkpoint. */
    private boolean orphaned() {
        return steps.started() && !steps.resuming() && restart == null
                && members.withStatus(Status.ACTIVE, Status.DRAINING).isEmpty()
                && !steps.durable().manifest().durable().isEmpty();
    }

    /** Still no live replica and a worker waiting: the run goes back to the newest durable checkpoint. */
    void orphanCheck() {
        if (!orphaned() || waiting().isEmpty()) {
            return;
        }
        var durable = steps.durable().manifest().durable();
        long last = steps.lastCommitted();
        steps.resume(durable.get(0).runState());
        restart = new Restart(durable);
        roster.event("coordinator", "fallback", "no live replica holds step " + last + ": going back to the durable"
                + " checkpoint after step " + durable.get(0).step() + " (" + (last - durable.get(0).step())
                + " committed steps are computed again)");
        loadNext();
    }

    // ---- whole-cluster restart ----

    private List<String> waiting() {
        return sources.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
                .filter(id -> members.get(id).filter(w -> w.status() == Status.SYNCING).isPresent()).toList();
    }

    private void loadNext() {
        var load = restart.next(waiting());
        load.ifPresent(l -> members.get(l.worker()).ifPresent(w -> {
            w.ref.tell(l.message());
            roster.event(w.id, "loading-checkpoint", "step " + l.message().step() + " from "
                    + String.join(" ", l.message().paths()));
        }));
    }

    void loaded(CheckpointLoaded m) {
        if (restart == null || members.get(m.workerId()).filter(w -> w.status() == Status.SYNCING).isEmpty()
                || m.step() != restart.current().step()) {
            return;
        }
        if (m.error().isEmpty()) {
            restart = null;
            roster.event(m.workerId(), "restored", "durable checkpoint after step " + m.step() + " from " + m.path());
            activate(m.workerId(), m.step(), "restored at step " + m.step());
            steps.continueResumed();
            return;
        }
        roster.event(m.workerId(), "checkpoint-unreadable", m.error());
        restart.failed(m.workerId());
        List<String> waiting = waiting();
        if (restart.fallBack(waiting)) {
            steps.resume(restart.current().runState());
            roster.event("coordinator", "restart", "no worker could read it: going back to the durable checkpoint"
                    + " after step " + restart.current().step());
        } else if (restart.exhausted(waiting)) {
            roster.event("coordinator", "restart-stuck", "no waiting worker can read any durable checkpoint;"
                    + " waiting for a worker that can (one on a node holding a copy, or with a shared save_dir)");
        }
        loadNext();
    }
}
