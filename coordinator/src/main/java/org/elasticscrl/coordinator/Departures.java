package org.elasticscrl.coordinator;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Workers excluded while unreachable, frozen or late. Whatever such a worker sends afterwards is
 * stale: it is refused and the worker told to resynchronise (register again, load a live state)
 * — also as soon as its node is reachable again, before it sends anything. When a worker registers from
 * a new JVM while its earlier one is provably dead (it reports that JVM's crash) or unreachable, the
 * earlier node is downed at once: left to the split-brain resolver, nodes that keep failing (a worker in
 * a crash loop, restarted by its service manager) keep the cluster's reachability changing, which
 * defers every downing decision (and, with Pekko's resolver, past {@code down-all-when-unstable} downs every node).
 */
final class Departures {
    /** How many departed workers (and unreachable nodes) are remembered. */
    private static final int KEPT = 256;

    private final Map<String, WorkerLink> departed = new LinkedHashMap<>();
    private final Set<Address> unreachable = new LinkedHashSet<>();
    private final Roster roster;
    private final Consumer<Address> down;

    /** @param down takes a node out of the cluster for good */
    Departures(Roster roster, Consumer<Address> down) {
        this.roster = roster;
        this.down = down;
    }

    /** Downing through this node's cluster membership (nothing outside a cluster). */
    static <T> Consumer<Address> downing(ActorContext<T> ctx) {
        if (!ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster")) {
            return address -> { };
        }
        return address -> Cluster.get(ctx.getSystem()).manager().tell(new Down(address));
    }

    /** Tells {@code ctx} (in a cluster) when this node stops or resumes hearing a member, or a member is downed. */
    static <T> void subscribe(ActorContext<T> ctx, Function<Map<Address, Boolean>, T> message) {
        if (ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster")) {
            Cluster cluster = Cluster.get(ctx.getSystem());
            OwnObservations own = new OwnObservations(cluster.selfMember().uniqueAddress());
            var adapter = ctx.messageAdapter(ClusterEvent.ReachabilityChanged.class,
                    e -> message.apply(own.changes(e.reachability())));
            cluster.subscriptions().tell(Subscribe.create(adapter, ClusterEvent.ReachabilityChanged.class));
            // a downed member is gone at once: its node may still answer while it shuts down, but it is not the
            // run's any more (its worker registers again from a new node)
            var downed = ctx.messageAdapter(ClusterEvent.MemberDowned.class, e -> {
                own.downed(e.member().uniqueAddress());
                return message.apply(Map.of(e.member().address(), false));
            });
            cluster.subscriptions().tell(Subscribe.create(downed, ClusterEvent.MemberDowned.class));
        }
    }

    /** A departed worker's link, whose session still opens what it sends late (null if none is remembered). */
    WorkerLink session(String workerId) {
        return departed.get(workerId);
    }

    void add(String workerId, WorkerLink link) {
        departed.put(workerId, link);
        if (departed.size() > KEPT) {
            departed.remove(departed.keySet().iterator().next());
        }
    }

    /**
     * {@code workerId} registers (again) from {@code now}; {@code crashed}: it reports crashes of its
     * earlier JVMs. An earlier JVM on another node that is dead or unreachable has its node downed.
     */
    void registeredAgain(String workerId, ActorRef<WorkerProtocol.Command> now, boolean crashed) {
        var before = departed.remove(workerId);
        if (before == null) {
            return;
        }
        Address old = before.path().address();
        if (!old.equals(now.path().address()) && (crashed || unreachable.contains(old))) {
            down.accept(old);
            unreachable.remove(old);
            roster.event(workerId, "downed-old-node", old + (crashed ? ": its JVM crashed" : ": unreachable")
                    + "; the worker is back at " + now.path().address());
        }
    }

    /** The node at {@code address} stopped answering heartbeats. */
    void unreachable(Address address) {
        unreachable.add(address);
        if (unreachable.size() > KEPT) {
            unreachable.remove(unreachable.iterator().next());
        }
    }

    /** A message {@code what} from {@code workerId}, not a member: if it departed, tell it to resynchronise. */
    void refuse(String workerId, String what) {
        var link = departed.get(workerId);
        if (link != null) {
            link.tell(new WorkerProtocol.Resync("not a member any more; refused its " + what));
            roster.event(workerId, "refused-stale", what + ": not a member, told to resynchronise");
        }
    }

    /** The node at {@code address} answers heartbeats again: its departed workers resynchronise. */
    void reachableAgain(Address address, Predicate<String> isMember) {
        unreachable.remove(address);
        departed.forEach((id, link) -> {
            if (link.path().address().equals(address) && !isMember.test(id)) {
                link.tell(new WorkerProtocol.Resync("excluded while unreachable"));
                roster.event(id, "resync", "reachable again after its exclusion");
            }
        });
    }
}
