package org.elasticscrl.node.downing;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.artery.ThisActorSystemQuarantinedEvent;

/**
 * Runs on every node and acts on {@link DowningDecision}: once the membership and the unreachability records
 * have not changed for {@code stableAfter}, the kept side's responsible node downs every node outside it, and
 * each node outside it downs itself (so a minority stops even when cut off from the majority's decision).
 *
 * <p>Waiting restarts on any change of the records, also one Pekko's resolver does not wait for (a node waking
 * from a pause and marking its peers unreachable), and when this node was itself paused: a node's first look
 * after a freeze is not a stable picture. Records that keep changing do not wait for ever: past
 * {@code decideWhenUnstable} beyond {@code stableAfter} the decision is taken on the records as they are
 * (Pekko downs every node there; a run would stop for what is mostly a busy machine).
 */
final class KeepMajorityDowning extends AbstractActorWithTimers {
    private static final Duration TICK = Duration.ofMillis(200);
    /** A gap between ticks this long means this JVM was paused (GC, a frozen VM, SIGSTOP). */
    private static final long PAUSE_NANOS = Duration.ofSeconds(1).toNanos();

    private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
    private final Cluster cluster = Cluster.get(getContext().getSystem());
    private final long stableAfterNanos;
    private final long decideWhenUnstableNanos;
    private final DecisionClock clock;
    /** Nodes this one asked to down: each is asked once. */
    private final Set<String> requested = new HashSet<>();

    private KeepMajorityDowning(Duration stableAfter, Duration decideWhenUnstable) {
        this.stableAfterNanos = stableAfter.toNanos();
        this.decideWhenUnstableNanos = decideWhenUnstable.toNanos();
        this.clock = new DecisionClock(stableAfterNanos, decideWhenUnstableNanos, PAUSE_NANOS, System.nanoTime());
    }

    static Props props(Duration stableAfter, Duration decideWhenUnstable) {
        return Props.create(KeepMajorityDowning.class, () -> new KeepMajorityDowning(stableAfter, decideWhenUnstable));
    }

    @Override
    public void preStart() {
        getTimers().startTimerWithFixedDelay("tick", Tick.TICK, TICK);
        getContext().getSystem().eventStream().subscribe(getSelf(), ThisActorSystemQuarantinedEvent.class);
        log.info("keep-majority downing started: stable-after {} ms, decides when unstable after {} ms more",
                stableAfterNanos / 1_000_000, decideWhenUnstableNanos / 1_000_000);
    }

    @Override
    public void postStop() {
        getContext().getSystem().eventStream().unsubscribe(getSelf());
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(Tick.class, t -> tick())
                .match(ThisActorSystemQuarantinedEvent.class, this::quarantined)
                .build();
    }

    private enum Tick { TICK }

    private void tick() {
        long now = System.nanoTime();
        ClusterReachability.Snapshot view = ClusterReachability.read(cluster);
        DecisionClock.Verdict verdict = clock.look(now, view.fingerprint(), !view.links().isEmpty());
        if (clock.pausedFor() > 0 && !view.links().isEmpty()) {
            log.info("this node was paused for {} ms: waiting {} ms before any downing decision",
                    clock.pausedFor() / 1_000_000, stableAfterNanos / 1_000_000);
        }
        if (verdict != DecisionClock.Verdict.WAIT) {
            requested.retainAll(view.nodes().stream().map(DowningDecision.Node::address).toList());
            act(DowningDecision.decide(view.nodes(), view.links()), verdict == DecisionClock.Verdict.STABLE,
                    view.links().size());
            clock.decided(now);
        }
    }

    private void act(DowningDecision.Decision decision, boolean stable, int records) {
        String self = cluster.selfAddress().toString();
        String when = stable ? "stable" : "still changing after the unstable limit";
        if (decision.downs(self)) {
            log.warning("downing myself ({} records, {}): {}; downing {}", records, when, decision.reason(), decision.down());
            cluster.down(cluster.selfAddress());
        } else if (self.equals(decision.responsible())) {
            for (String address : decision.down()) {
                if (requested.add(address)) {
                    log.warning("downing {} ({} records, {}): {}", address, records, when, decision.reason());
                    cluster.down(org.apache.pekko.actor.AddressFromURIString.parse(address));
                }
            }
        }
    }

    /** Another member quarantined this node: it can never talk to it again, so it leaves (as Pekko's resolver does). */
    private void quarantined(ThisActorSystemQuarantinedEvent event) {
        boolean member = ClusterReachability.read(cluster).nodes().stream()
                .anyMatch(n -> n.address().equals(event.remoteAddress().address().toString()));
        if (member) {
            log.warning("member {} quarantined this node: downing myself", event.remoteAddress().address());
            cluster.down(cluster.selfAddress());
        }
    }
}
