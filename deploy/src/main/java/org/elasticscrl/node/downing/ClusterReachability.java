package org.elasticscrl.node.downing;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.Reachability;
import org.apache.pekko.cluster.UniqueAddress;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The membership and unreachability records as this node's gossip has them, in plain Java. The only class
 * that reads Pekko internals: who observed whom as unreachable is kept in {@code Reachability}, which
 * Pekko's public API does not expose (it is {@code private[cluster]} in Scala, public in bytecode); the
 * same records are what Pekko's own resolver decides on. Reading them through {@code Cluster.readView}, a
 * snapshot the cluster keeps current from its own events, needs no subscription of our own.
 */
final class ClusterReachability {
    /** Members the decision covers: Down, Exiting and Removed ones are on their way out already. */
    private static final Set<Status> LIVE = EnumSet.of(Status.JOINING, Status.WEAKLY_UP, Status.UP, Status.LEAVING);

    private enum Status { JOINING, WEAKLY_UP, UP, LEAVING, OTHER }

    /**
     * {@code fingerprint}: changes whenever a member's status or a record between live members changes —
     * a node waking from a pause and marking its peers unreachable changes it (Pekko's resolver does not
     * restart its stable-after wait for that).
     */
    record Snapshot(List<DowningDecision.Node> nodes, List<DowningDecision.Link> links, String fingerprint) {}

    private ClusterReachability() {}

    static Snapshot read(Cluster cluster) {
        List<Member> members = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                .sorted((a, b) -> Member.addressOrdering().compare(a.address(), b.address()))
                .filter(m -> LIVE.contains(status(m)))
                .toList();
        Map<UniqueAddress, String> live = new HashMap<>();
        List<DowningDecision.Node> nodes = new ArrayList<>();
        StringBuilder fingerprint = new StringBuilder();
        for (Member m : members) {
            String address = m.address().toString();
            live.put(m.uniqueAddress(), address);
            boolean counted = status(m) == Status.UP || status(m) == Status.LEAVING;
            nodes.add(new DowningDecision.Node(address, m.hasRole("coordinator"), counted));
            fingerprint.append(address).append('#').append(m.uniqueAddress().longUid()).append(':').append(status(m)).append(' ');
        }
        List<DowningDecision.Link> links = new ArrayList<>();
        for (Reachability.Record r : CollectionConverters.asJava(cluster.readView().reachability().records())) {
            String observer = live.get(r.observer());
            String subject = live.get(r.subject());
            if (observer != null && subject != null && !(r.status() instanceof Reachability.Reachable$)) {
                links.add(new DowningDecision.Link(observer, subject));
            }
        }
        fingerprint.append(links.stream().map(l -> l.observer() + "->" + l.subject()).sorted()
                .collect(Collectors.joining(" ")));
        return new Snapshot(nodes, links, fingerprint.toString());
    }

    private static Status status(Member m) {
        MemberStatus s = m.status();
        if (s == MemberStatus.joining()) {
            return Status.JOINING;
        } else if (s == MemberStatus.weaklyUp()) {
            return Status.WEAKLY_UP;
        } else if (s == MemberStatus.up()) {
            return Status.UP;
        } else if (s == MemberStatus.leaving()) {
            return Status.LEAVING;
        }
        return Status.OTHER;
    }
}
