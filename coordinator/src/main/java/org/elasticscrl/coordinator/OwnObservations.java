package org.elasticscrl.coordinator;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Reachability;
import org.apache.pekko.cluster.UniqueAddress;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The members this node itself does not hear, as changes since the last look. The coordinator excludes a
 * worker when it does not hear it — not when any member does: Pekko's {@code UnreachableMember} is the union of
 * every member's observations, so a worker that stops hearing its peers (its inbound path lost, or woken from a
 * pause) made the coordinator exclude every healthy worker (each registered again at once, with a step's work
 * lost). Who observed what is only in {@code Reachability}, {@code private[cluster]} in Pekko's Scala and public
 * in its bytecode; every node monitors every other (deploy's {@code monitored-by-nr-of-members}), so this node's
 * own records cover every member.
 */
final class OwnObservations {
    /** How many downed members are remembered (only those still in this node's records matter). */
    private static final int KEPT = 256;

    private final UniqueAddress self;
    private Set<UniqueAddress> unheard = Set.of();
    private final Set<UniqueAddress> downed = new LinkedHashSet<>();

    OwnObservations(UniqueAddress self) {
        this.self = self;
    }

    /**
     * Address → reachable, for each member whose state as this node hears it changed. A downed member's records
     * vanish when it is removed: that is not hearing it again (a preempted worker was reported "reachable again
     * after its exclusion" and told to resynchronise, once per preemption).
     */
    Map<Address, Boolean> changes(Reachability reachability) {
        Set<UniqueAddress> now = new HashSet<>();
        for (Reachability.Record r : CollectionConverters.asJava(reachability.recordsFrom(self))) {
            if (!(r.status() instanceof Reachability.Reachable$)) {
                now.add(r.subject());
            }
        }
        Map<Address, Boolean> changes = new LinkedHashMap<>();
        now.stream().filter(a -> !unheard.contains(a)).forEach(a -> changes.put(a.address(), false));
        unheard.stream().filter(a -> !now.contains(a) && !downed.contains(a)).forEach(a -> changes.put(a.address(), true));
        unheard = now;
        return changes;
    }

    /** {@code member} was downed: it never answers again, whatever its records do. */
    void downed(UniqueAddress member) {
        downed.add(member);
        if (downed.size() > KEPT) {
            downed.remove(downed.iterator().next());
        }
    }
}
