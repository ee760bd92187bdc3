package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.node.ClusterNodes;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;

/**
 * An operator's node in the cluster (role {@code shell}: never leased work, never hosts the
 * coordinator): joins, asks the coordinator singleton through its proxy, reads the membership
 * itself, and leaves cleanly when closed so that it never counts as a failed node.
 */
final class ShellClient implements AutoCloseable, OperatorCommands.Asker {
    static final String ROLE = "shell";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Once connected, an answer takes well under this; the first one may wait for the singleton's proxy. */
    private static final Duration ANSWER = Duration.ofSeconds(3);

    private final ActorSystem<Void> system;
    private final ActorRef<CoordinatorProtocol.Command> coordinator;
    private final String seeds;
    /** Proves to the coordinator that this shell belongs to the cluster (none: the cluster has none). */
    private final ClusterSecret secret;
    private boolean answeredOnce;

    private ShellClient(ActorSystem<Void> system, String seeds, ClusterSecret secret) {
        this.system = system;
        this.seeds = seeds;
        this.secret = secret;
        this.coordinator = ClusterNodes.coordinatorProxy(system);
        // a member that proves nothing is downed by the coordinator's gatekeeper: prove the secret meanwhile
        org.elasticscrl.node.NodeProof.start(system, coordinator, secret);
    }

    /**
     * Joins the cluster at {@code seeds} (host:port, comma-separated) from {@code bindHost} (any
     * free port) and waits until this node is a member.
     */
    static ShellClient connect(String seeds, String bindHost, NodeSecurity security, Duration timeout)
            throws InterruptedException {
        for (String seed : seeds.split(",")) {
            ClusterNodes.hostPort(seed.trim(), "--join");
        }
        // leaving must not end the JVM: the command still reports, with its own exit code
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterNodes.SYSTEM,
                com.typesafe.config.ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                        .withFallback(ClusterNodes.config(bindHost, 0, List.of(ROLE), seeds, security)));
        long end = System.nanoTime() + timeout.toNanos();
        while (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > end) {
                system.terminate();
                throw new IllegalStateException("could not join the cluster at " + seeds + " within "
                        + timeout.toSeconds() + " s: is a coordinator running there (and do TLS settings match)?");
            }
            Thread.sleep(100);
        }
        return new ShellClient(system, seeds, SecurityOptions.secret(security));
    }

    /** The coordinator's answer to {@code command} (JSON); an error answer throws with its message. */
    @Override
    public JsonNode ask(String command, String argument) throws Exception {
        int tries = answeredOnce ? 1 : 5; // the proxy finds the singleton within a few seconds of joining
        for (int i = 1; ; i++) {
            try {
                ShellProtocol.Answer a = askOnce(system, coordinator, secret, command, argument)
                        instanceof ShellProtocol.Answer answer ? answer : null;
                answeredOnce = true;
                JsonNode json = JSON.readTree(a.json());
                if (!a.ok()) {
                    throw new IllegalArgumentException(json.path("error").asText(a.json()));
                }
                return json;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (i >= tries) {
                    throw new IllegalStateException("no answer from the coordinator of " + seeds + " within "
                            + ANSWER.toSeconds() + " s (" + e.getClass().getSimpleName() + "): is a run going on?");
                }
            }
        }
    }

    /**
     * One query of the coordinator through {@code coordinator} (its proxy) from a node of {@code system} — an
     * operator's shell or a standby coordinator — with the node's proof over it; the answer, waited for at
     * most {@link #ANSWER}.
     */
    static ShellProtocol.Command askOnce(ActorSystem<?> system, ActorRef<CoordinatorProtocol.Command> coordinator,
            ClusterSecret secret, String command, String argument)
            throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        return AskPattern.<CoordinatorProtocol.Command, ShellProtocol.Command>ask(coordinator,
                reply -> CoordinatorProtocol.Query.proving(secret, command, argument, reply,
                        ActorRefResolver.get(system).toSerializationFormat(reply)), ANSWER, system.scheduler())
                .toCompletableFuture().get(ANSWER.toMillis() + 500, TimeUnit.MILLISECONDS);
    }

    /** The cluster's members as this node sees them: address, status, roles, reachability. */
    JsonNode members() {
        var state = Cluster.get(system).state();
        ArrayNode list = JSON.createArrayNode();
        var unreachable = state.getUnreachable();
        for (var m : state.getMembers()) {
            ObjectNode n = list.addObject().put("address", m.address().toString())
                    .put("status", m.status().toString()).put("reachable", !unreachable.contains(m));
            m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().forEach(n.putArray("roles")::add);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("members", list);
        out.put("leader", state.getLeader() == null ? "" : state.getLeader().toString());
        return out;
    }

    /** Leaves the cluster (the others see a graceful leave, not a fault) and stops the node. */
    @Override
    public void close() {
        Cluster.get(system).manager().tell(Leave.create(Cluster.get(system).selfMember().address()));
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
        }
    }
}
