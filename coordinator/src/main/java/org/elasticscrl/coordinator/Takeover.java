package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * What a coordinator does when it takes over a run from one that died: find the workers (they list
 * themselves with the receptionist), tell each to register again, and collect the step their
 * replicas hold. The run goes on from the recorded last commit as soon as one replica holds it;
 * if none does after a grace period (that commit reached no worker, or was announced without its
 * replication), it goes on from the newest step a replica holds. Nothing committed is lost: every
 * commit any worker applied is kept.
 */
final class Takeover {
    /** The workers listed with the receptionist. */
    record Listed(Set<ActorRef<WorkerProtocol.Command>> workers) implements Command {}

    /** Time to decide without a replica of the recorded step. */
    record GraceOver() implements Command {}

    static final Duration GRACE = Duration.ofSeconds(5);

    private final Set<ActorRef<WorkerProtocol.Command>> told = new HashSet<>();
    private final Map<String, Long> applied = new HashMap<>();
    private final TimerScheduler<Command> timers;
    private final ActorContext<Command> ctx;
    private final ClusterSecret secret;

    Takeover(ActorContext<Command> ctx, TimerScheduler<Command> timers, ClusterSecret secret) {
        this.timers = timers;
        this.ctx = ctx;
        this.secret = secret;
        var adapter = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new Listed(l.getServiceInstances(WorkerProtocol.WORKERS)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(WorkerProtocol.WORKERS, adapter));
        timers.startSingleTimer("takeover-grace", new GraceOver(), GRACE);
    }

    /**
     * Workers not registered with this coordinator yet: tell them (once) to register again — outside a
     * session (this coordinator has none yet), so with a proof of the cluster secret bound to the worker
     * and the time, which the worker checks.
     */
    void listed(Listed m, Membership<WorkerLink> members) {
        for (var ref : m.workers()) {
            boolean member = members.all().stream().anyMatch(w -> w.ref.ref().equals(ref));
            if (!member && told.add(ref)) {
                String reason = "the coordinator moved: register again";
                long now = System.currentTimeMillis();
                String worker = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(ref);
                ref.tell(new WorkerProtocol.Resync(reason, now, secret.resyncProof(worker, reason, now)));
            }
        }
    }

    /** A worker is ready with its replica at {@code step}, not the recorded one. */
    void ready(String workerId, long step) {
        applied.put(workerId, step);
    }

    /** The newest step a still-waiting replica holds, if any; otherwise wait another grace period. */
    OptionalLong newestHeld(Set<String> waiting) {
        // a fresh replica (-1) cannot continue a run that has committed steps
        OptionalLong best = applied.entrySet().stream().filter(e -> waiting.contains(e.getKey()) && e.getValue() >= 0)
                .mapToLong(Map.Entry::getValue).max();
        if (best.isEmpty()) {
            timers.startSingleTimer("takeover-grace", new GraceOver(), GRACE);
        }
        return best;
    }

    /** The grace period is over and no replica holds the recorded step: go on from the newest one held. */
    void graceOver(Membership<WorkerLink> members, StepCycle steps, StateSync sync, Roster roster) {
        if (!steps.resuming()) {
            return;
        }
        var waiting = members.withStatus(Membership.Status.SYNCING).stream().map(w -> w.id)
                .collect(java.util.stream.Collectors.toSet());
        newestHeld(waiting).ifPresent(newest -> {
            long recorded = steps.lastCommitted();
            boolean exact = steps.rollBack(newest);
            roster.event("coordinator", "resumed-at", "no replica holds step " + recorded + "; the newest held is step "
                    + newest + (exact ? "" : "; the epoch's loss sums of that step are no longer known: its mean loss"
                    + " counts steps " + (newest + 1) + "-" + recorded + " twice"));
            waiting.stream().filter(id -> applied.getOrDefault(id, Long.MIN_VALUE) == newest)
                    .forEach(id -> sync.activate(id, newest, "own replica at step " + newest));
            steps.continueResumed();
        });
    }

    /**
     * A replica holds a step after the replicated state's. It cannot happen while commits are announced only
     * after a majority stored their state and a takeover reads a majority; should it, the replica holds commits
     * this coordinator does not know of: never roll them back — it waits, named, for an operator.
     */
    void ahead(String workerId, long held, long recorded, Roster roster) {
        ctx.getLog().error("{} holds step {}, after the replicated run state's {}: not rolled back", workerId, held,
                recorded);
        roster.event(workerId, "ahead", "holds step " + held + ", after the replicated run state's " + recorded
                + ": kept as it is, given no work (restart this coordinator to read the run state again)");
    }
}
