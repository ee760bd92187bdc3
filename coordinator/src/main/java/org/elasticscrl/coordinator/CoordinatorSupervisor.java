package org.elasticscrl.coordinator;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;

/**
 * The coordinator singleton as the cluster hosts it: the run's behaviour as a child, restarted after an
 * unexpected failure — a restart reads the replicated run state and takes the run over as a standby
 * would, so nothing committed is lost — at most {@value #RESTARTS} times a minute. Past that the node
 * gives the run up ({@code onFinished} with the error), its JVM leaves the cluster and a standby, if
 * there is one, takes over: never a live node hosting a dead singleton.
 */
final class CoordinatorSupervisor {
    static final int RESTARTS = 3;

    private CoordinatorSupervisor() {}

    static Behavior<Command> supervise(Coordinator.Setup setup, Behavior<Command> run) {
        return Behaviors.setup(ctx -> {
            ActorRef<Command> child = ctx.spawn(Behaviors.supervise(run).onFailure(Exception.class,
                    SupervisorStrategy.restart().withLimit(RESTARTS, Duration.ofMinutes(1))), "run");
            ctx.watch(child);
            return Behaviors.receive(Command.class)
                    .onMessage(Command.class, m -> {
                        child.tell(m);
                        return Behaviors.same();
                    })
                    .onSignal(ChildFailed.class, f -> {
                        ctx.getLog().error("the coordinator failed " + (RESTARTS + 1) + " times within a minute; this node"
                                + " gives the run up so that a standby takes it over", f.getCause());
                        setup.onFinished().accept(new Coordinator.Finished(0, "", "the coordinator failed repeatedly ("
                                + f.getCause() + "); a standby coordinator, if any, takes the run over"));
                        return Behaviors.stopped();
                    })
                    .onSignal(Terminated.class, t -> Behaviors.stopped())
                    .build();
        });
    }
}
