package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;

/**
 * Members must prove the cluster secret soon after they join: a worker by its registration, a shell or a
 * standby coordinator by an authenticated operator query (they send a {@code hello} every few seconds).
 * Without TLS anyone who reaches a port can join the Pekko cluster; such a node is refused every message
 * it sends (sessions), but as a member it would count in the split-brain resolver's majority — and a
 * member with the coordinator role could even host the coordinator. One that has proven nothing within
 * {@code scrl.cluster.prove-within} (20 s) is downed. Only with a cluster secret (without one there is
 * nothing to prove).
 */
final class Gatekeeper {
    record Joined(Address address) implements Command {}

    record Removed(Address address) implements Command {}

    record Check() implements Command {}

    private final ActorContext<Command> ctx;
    private final boolean on;
    private final Duration within;
    private final Map<Address, Long> unproven = new HashMap<>();
    private final Set<Address> proven = new HashSet<>();
    private final Roster roster;

    private Gatekeeper(ActorContext<Command> ctx, TimerScheduler<Command> timers, Duration within, Roster roster,
            boolean on) {
        this.ctx = ctx;
        this.on = on;
        this.within = within;
        this.roster = roster;
        if (!on) {
            return;
        }
        proven.add(Cluster.get(ctx.getSystem()).selfMember().address());
        var joined = ctx.messageAdapter(ClusterEvent.MemberUp.class, e -> new Joined(e.member().address()));
        var removed = ctx.messageAdapter(ClusterEvent.MemberRemoved.class, e -> new Removed(e.member().address()));
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(joined, ClusterEvent.MemberUp.class));
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
        timers.startTimerWithFixedDelay("gatekeeper", new Check(), Duration.ofSeconds(2));
    }

    /** A gatekeeper for the coordinator; it does nothing without a secret or outside a cluster. */
    static Gatekeeper of(ActorContext<Command> ctx, TimerScheduler<Command> timers, boolean secret, Roster roster) {
        var config = ctx.getSystem().settings().config();
        boolean on = secret && config.getString("pekko.actor.provider").equals("cluster");
        Duration within = config.hasPath("scrl.cluster.prove-within") ? config.getDuration("scrl.cluster.prove-within")
                : Duration.ofSeconds(20);
        return new Gatekeeper(ctx, timers, within, roster, on);
    }

    void joined(Joined m) {
        if (on && !proven.contains(m.address())) {
            unproven.putIfAbsent(m.address(), System.nanoTime());
        }
    }

    void removed(Removed m) {
        unproven.remove(m.address());
        proven.remove(m.address());
    }

    /** The node at {@code address} proved the secret (a worker's registration, an admitted query). */
    void proven(Address address) {
        unproven.remove(address);
        if (on && proven.size() < 4096) {
            proven.add(address);
        }
    }

    /** Downs every member that has proven nothing within the limit. */
    void check() {
        long now = System.nanoTime();
        unproven.entrySet().removeIf(e -> {
            if (now - e.getValue() < within.toNanos()) {
                return false;
            }
            Cluster.get(ctx.getSystem()).manager().tell(new Down(e.getKey()));
            ctx.getLog().warn("downed {}: it joined but proved no cluster secret within {} s", e.getKey(),
                    within.toSeconds());
            roster.event("coordinator", "downed-unproven", e.getKey() + " proved no cluster secret within "
                    + within.toSeconds() + " s of joining");
            return true;
        });
    }
}
