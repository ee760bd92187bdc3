package org.elasticscrl.it;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.node.ClusterNodes;

/**
 * A cluster member that downs every worker node at once — what Pekko's split-brain resolver did to the
 * observers of a peer woken from a pause ("indirectly connected"), healthy workers holding the only replicas
 * included, and what any downing does to the workers on a losing side. It joins, waits for the file {@code go} to appear, downs, prints the addresses it downed, then
 * leaves. Args: a seed host:port, the file.
 */
public final class DowningNode {
    private DowningNode() {}

    public static void main(String[] args) throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterNodes.SYSTEM,
                com.typesafe.config.ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                        .withFallback(ClusterNodes.config("127.0.0.1", 0, List.of("operator"), args[0],
                                NodeSecurity.NONE)));
        Cluster cluster = Cluster.get(system);
        for (int i = 0; i < 600 && cluster.selfMember().status() != MemberStatus.up(); i++) {
            Thread.sleep(100);
        }
        java.nio.file.Path go = java.nio.file.Path.of(args[1]);
        for (int i = 0; i < 3000 && !java.nio.file.Files.exists(go); i++) {
            Thread.sleep(100);
        }
        List<String> downed = new ArrayList<>();
        for (Member m : cluster.state().getMembers()) {
            if (m.hasRole(ClusterNodes.WORKER_ROLE) && m.status() == MemberStatus.up()) {
                cluster.manager().tell(new Down(m.address()));
                downed.add(m.address().toString());
            }
        }
        System.out.println("DOWNED " + String.join(" ", downed));
        Thread.sleep(2000);
        cluster.manager().tell(new Leave(cluster.selfMember().address()));
        Thread.sleep(3000);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get();
    }
}
