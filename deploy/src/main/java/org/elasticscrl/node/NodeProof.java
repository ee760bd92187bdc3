package org.elasticscrl.node;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;

/**
 * Keeps a member that is neither a worker nor the coordinator — an operator's shell, a standby
 * coordinator — proven to the coordinator's gatekeeper: an authenticated {@code hello} every
 * {@value #EVERY_SECONDS} s (a coordinator that takes over asks everyone again). Nothing without a secret.
 */
public final class NodeProof {
    static final int EVERY_SECONDS = 5;

    private record Tick() implements ShellProtocol.Command {}

    private NodeProof() {}

    public static void start(ActorSystem<?> system, ActorRef<CoordinatorProtocol.Command> coordinator,
            ClusterSecret secret) {
        if (!secret.isSet()) {
            return;
        }
        system.systemActorOf(Behaviors.<ShellProtocol.Command>setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay("hello", new Tick(), Duration.ZERO, Duration.ofSeconds(EVERY_SECONDS));
            String self = ActorRefResolver.get(system).toSerializationFormat(ctx.getSelf());
            return Behaviors.receive(ShellProtocol.Command.class)
                    .onMessage(Tick.class, t -> {
                        coordinator.tell(CoordinatorProtocol.Query.proving(secret, "hello", "", ctx.getSelf(), self));
                        return Behaviors.same();
                    })
                    .onAnyMessage(answer -> Behaviors.same())
                    .build();
        })), "scrl-node-proof", Props.empty());
    }
}
