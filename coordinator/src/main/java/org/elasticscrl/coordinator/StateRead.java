package org.elasticscrl.coordinator;

import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;

/**
 * A coordinator's first act: read the replicated run state from a majority of coordinator nodes — a state of
 * this run means another coordinator ran it and died, and this one takes it over. Never this node's own copy:
 * a majority write need not have reached it, and a run resumed from an older state would roll back replicas
 * that applied newer commits. So the read is retried until a majority answers (the unreachable are removed by
 * the downing meanwhile); messages wait (stashed), but an operator's {@code status} is answered at once with
 * why the run waits (I5).
 */
final class StateRead {
    private final ActorContext<Command> ctx;
    private final Replication replication;
    private final long since = System.nanoTime();
    private int attempts = 1;
    private String problem = "";

    private StateRead(ActorContext<Command> ctx, Replication replication) {
        this.ctx = ctx;
        this.replication = replication;
    }

    /** Reads, then becomes {@code run(state)} (null: no state yet) with what waited, or stops on a refusal. */
    static Behavior<Command> reading(ActorContext<Command> ctx, StashBuffer<Command> stash, Replication replication,
            Coordinator.Setup setup, BiFunction<Replication, RunState, Behavior<Command>> run) {
        StateRead read = new StateRead(ctx, replication);
        replication.load();
        return Behaviors.receive(Command.class)
                .onMessage(Replication.Loaded.class, m -> {
                    if (m.problem() != null) {
                        return read.again(m.problem());
                    }
                    String refusal = Restart.refusal(setup, m.state());
                    if (refusal != null) {
                        ctx.getLog().error("cannot run {}: {}", setup.runId(), refusal);
                        setup.onFinished().accept(new Coordinator.Finished(0, "", refusal));
                        return Behaviors.stopped();
                    }
                    return stash.unstashAll(run.apply(replication, m.state()));
                })
                .onMessage(Query.class, q -> q.command().equals("status"), q -> {
                    q.replyTo().tell(Operators.error(read.waitingFor()));
                    return Behaviors.same();
                })
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> again(String why) {
        attempts++;
        problem = why;
        if (attempts == 2 || attempts % 10 == 0) {
            ctx.getLog().warn("{}: reading again", waitingFor());
        }
        replication.load();
        return Behaviors.same();
    }

    /** Why the run waits, for the log and an operator's status. */
    String waitingFor() {
        return String.format("taking the run over: the run state is not read from a majority of coordinator nodes yet"
                + " (attempt %d, %.0f s; last: %s); the run waits until a majority answers — the unreachable are"
                + " removed by the downing", attempts, (System.nanoTime() - since) / 1e9, problem);
    }
}
