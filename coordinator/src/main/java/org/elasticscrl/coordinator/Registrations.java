package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Workers asking to take part: who may ({@link Admission}), a new JVM of a worker that is still a member
 * (its old JVM is treated as gone), its earlier JVM's node downed when provably dead ({@link Departures}),
 * its place in the membership, and the operator told when the workers of a deterministic run differ in
 * kind ({@link WorkerKinds}).
 */
final class Registrations {
    private final Coordinator.Setup setup;
    private final Membership<WorkerLink> members;
    private final StepCycle steps;
    private final Departures departed;
    private final Roster roster;
    private final Admission admission;
    private final WorkerKinds kinds;
    private final List<String> joinOrder = new ArrayList<>();
    private java.util.function.Consumer<org.apache.pekko.actor.Address> proven = a -> { };

    Registrations(Coordinator.Setup setup, Membership<WorkerLink> members, StepCycle steps,
            Departures departed, Roster roster) {
        this.setup = setup;
        this.members = members;
        this.steps = steps;
        this.departed = departed;
        this.roster = roster;
        boolean deterministic = setup.cfg().train().deterministic();
        this.admission = new Admission(setup.secret(), deterministic, new CrashLoops(setup.cfg().cluster().maxWorkerCrashes()));
        this.kinds = new WorkerKinds(deterministic);
    }

    Admission admission() {
        return admission;
    }

    /** Who is told of every node that proved the cluster secret. */
    void onProven(java.util.function.Consumer<org.apache.pekko.actor.Address> listener) {
        proven = listener;
    }

    /** The node at {@code address} proved the cluster secret. */
    void proven(org.apache.pekko.actor.Address address) {
        proven.accept(address);
    }

    /** A worker named by an operator: its id, or an index into the order workers first registered in. */
    String byJoinOrder(String spec) {
        return spec.matches("\\d{1,9}") && Integer.parseInt(spec) < joinOrder.size()
                ? joinOrder.get(Integer.parseInt(spec)) : spec;
    }

    /**
     * Admits or refuses {@code m}; {@code gone} (worker, why) removes a member whose JVM was replaced, and
     * {@code watch} is the message the coordinator gets when the new worker actor stops.
     */
    void register(RegisterWorker m, ActorContext<Command> ctx, BiConsumer<String, String> gone,
            java.util.function.BiFunction<String, ActorRef<WorkerProtocol.Command>, Command> watch) {
        String ref = ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(m.worker());
        if (admission.proven(m, ref)) {
            proven(m.worker().path().address());
            // its earlier JVM is gone even if this one is refused: do not leave that node to the split-brain resolver
            var earlier = members.get(m.workerId()).filter(w -> !w.ref.ref().equals(m.worker()));
            if (earlier.isPresent()) {
                // a restarted worker may register before its old JVM is missed
                gone.accept(m.workerId(), "its JVM was replaced by one at " + m.worker().path().address());
            }
            departed.registeredAgain(m.workerId(), m.worker(), !m.crashes().isEmpty());
        }
        if (admission.refuse(m, ref, (id, why) -> {
            ctx.getLog().warn("refused worker '{}' at {}: {}", id, m.worker().path().address(), why);
            setup.files().event(steps.current(), members.epoch(), id, "refused", why);
        }, (id, crash) -> roster.event(id, "crashed", crash))) {
            return;
        }
        if (steps.finishing()) {
            String why = "run " + setup.runId() + " is finishing";
            m.worker().tell(new WorkerProtocol.Refused(why, setup.secret().refusalProof(m.workerId(), m.nonce(), why)));
            return;
        }
        var same = members.get(m.workerId()).filter(w -> w.ref.workerNonce().equals(m.nonce()));
        if (same.isPresent()) {
            welcome(same.get().ref); // its registration repeated before the welcome arrived: the same session
            return;
        }
        if (members.get(m.workerId()).isPresent()) {
            // the same JVM registering anew (a new nonce) holds another session now
            gone.accept(m.workerId(), "registered again with a new session");
            departed.registeredAgain(m.workerId(), m.worker(), false);
        }
        String nonce = ClusterSecret.nonce();
        WorkerLink link = new WorkerLink(m.worker(), new Session(m.workerId(),
                setup.secret().sessionKey(m.workerId(), ref, m.nonce(), nonce), true), m.nonce(), nonce);
        if (members.get(m.workerId()).isEmpty()) {
            members.add(m.workerId(), link, m.device(), m.memoryBytes(), m.threads()).kernels(m.kernels());
            if (!joinOrder.contains(m.workerId())) {
                joinOrder.add(m.workerId());
            }
            ctx.watchWith(m.worker(), watch.apply(m.workerId(), m.worker()));
            roster.event(m.workerId(), "registered", m.device() + " threads=" + m.threads() + " memory="
                    + m.memoryBytes() + " kernels=" + m.kernels());
            kinds.check(members.all()).ifPresent(k -> roster.event("coordinator", "mixed-kinds", k));
            steps.sums().registered(m.workerId());
        }
        welcome(link);
    }

    /**
     * The message inside {@code s} if the worker's session (a member's, or a departed worker's from
     * {@code departedLink}) opens it; otherwise null, the reason logged once per worker and reason.
     */
    Command open(Sealed s, Function<String, WorkerLink> departedLink, ActorContext<Command> ctx) {
        WorkerLink link = members.get(s.session()).map(w -> w.ref).orElseGet(() -> departedLink.apply(s.session()));
        if (link == null) {
            refusedOnce(ctx, s.session(), "a sealed message of a session this coordinator does not hold");
            return null;
        }
        try {
            return (Command) link.session().open(s);
        } catch (SecurityException e) {
            refusedOnce(ctx, s.session(), e.getMessage());
            return null;
        }
    }

    /** A worker's message that did not come in its session: never acted on. */
    void unsealed(Command m, ActorContext<Command> ctx) {
        String who = m instanceof org.elasticscrl.protocol.FromWorker w ? w.workerId() : "?";
        refusedOnce(ctx, who, "an unsealed " + m.getClass().getSimpleName() + " (only a worker's session counts)");
    }

    private void refusedOnce(ActorContext<Command> ctx, String worker, String why) {
        if (admission.firstRefusal(worker, why)) {
            ctx.getLog().warn("refused a message for worker '{}': {}", Admission.printable(worker), why);
            setup.files().event(steps.current(), members.epoch(), Admission.printable(worker), "refused-message", why);
        }
    }

    /** The Welcome of a session: its nonce, and a proof under the session key of all it says. */
    private void welcome(WorkerLink link) {
        String nonce = link.coordinatorNonce();
        String text = Session.welcomeText(setup.runId(), setup.configYaml(), members.epoch(), steps.current(), nonce);
        link.ref().tell(new WorkerProtocol.Welcome(setup.runId(), setup.configYaml(), members.epoch(), steps.current(),
                nonce, link.session().proof(text)));
    }
}
