package org.elasticscrl.coordinator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * Workers excluded while unreachable, frozen or late. Whatever such a worker sends afterwards is
 * stale: it is refused and the worker told to resynchronise (register again, load a live state)
 * — also as soon as its node is reachable again, before it sends anything.
 */
final class Departures {
    /** How many departed workers are remembered. */
    private static final int KEPT = 256;

    private final Map<String, ActorRef<WorkerProtocol.Command>> departed = new LinkedHashMap<>();
    private final Roster roster;

    Departures(Roster roster) {
        this.roster = roster;
    }

    /** Tells {@code ctx} (in a cluster) when a member stops or resumes answering heartbeats. */
    static <T> void subscribe(ActorContext<T> ctx, BiFunction<Address, Boolean, T> message) {
        if (ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster")) {
            var adapter = ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class,
                    e -> message.apply(e.member().address(), e instanceof ClusterEvent.ReachableMember));
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(adapter, ClusterEvent.ReachabilityEvent.class));
        }
    }

    void add(String workerId, ActorRef<WorkerProtocol.Command> ref) {
        departed.put(workerId, ref);
        if (departed.size() > KEPT) {
            departed.remove(departed.keySet().iterator().next());
        }
    }

    /** It registered again. */
    void returned(String workerId) {
        departed.remove(workerId);
    }

    /** A message {@code what} from {@code workerId}, not a member: if it departed, tell it to resynchronise. */
    void refuse(String workerId, String what) {
        var ref = departed.get(workerId);
        if (ref != null) {
            ref.tell(new WorkerProtocol.Resync("not a member any more; refused its " + what));
            roster.event(workerId, "refused-stale", what + ": not a member, told to resynchronise");
        }
    }

    /** The node at {@code address} answers heartbeats again: its departed workers resynchronise. */
    void reachableAgain(Address address, Predicate<String> isMember) {
        departed.forEach((id, ref) -> {
            if (ref.path().address().equals(address) && !isMember.test(id)) {
                ref.tell(new WorkerProtocol.Resync("excluded while unreachable"));
                roster.event(id, "resync", "reachable again after its exclusion");
            }
        });
    }
}
