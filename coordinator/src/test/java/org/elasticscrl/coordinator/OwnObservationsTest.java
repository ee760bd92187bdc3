package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Reachability;
import org.apache.pekko.cluster.UniqueAddress;
import org.junit.jupiter.api.Test;

class OwnObservationsTest {
    private static UniqueAddress node(int port) {
        return new UniqueAddress(new Address("pekko", "scrl", "127.0.0.1", port), port * 7L);
    }

    private final UniqueAddress self = node(2551);
    private final UniqueAddress worker = node(40001);
    private final UniqueAddress other = node(40002);

    @Test
    void aMemberThisNodeHearsAgainIsReportedReachable() {
        OwnObservations own = new OwnObservations(self);
        Reachability unheard = Reachability.empty().unreachable(self, worker);
        assertEquals(Map.of(worker.address(), false), own.changes(unheard));
        assertEquals(Map.of(), own.changes(unheard));
        assertEquals(Map.of(worker.address(), true), own.changes(unheard.reachable(self, worker)));
    }

    @Test
    void onlyThisNodesOwnObservationsCount() {
        OwnObservations own = new OwnObservations(self);
        assertEquals(Map.of(), own.changes(Reachability.empty().unreachable(other, worker)));
    }

    @Test
    void aDownedMemberWhoseRecordsVanishIsNotReachableAgain() {
        OwnObservations own = new OwnObservations(self);
        assertEquals(Map.of(worker.address(), false, other.address(), false),
                own.changes(Reachability.empty().unreachable(self, worker).unreachable(self, other)));
        own.downed(worker);
        // both removed from the records; only the one not downed is heard again
        assertEquals(Map.of(other.address(), true), own.changes(Reachability.empty()));
    }
}
