package org.elasticscrl.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.protocol.CoordinatorProtocol;

/**
 * Starting scrl nodes: an ActorSystem per process with its role, address and seed node, and the
 * coordinator singleton — run on the {@code coordinator} role, reached everywhere through its
 * proxy.
 */
public final class ClusterNodes {
    public static final String SYSTEM = "scrl";
    public static final String COORDINATOR_ROLE = "coordinator";
    public static final String WORKER_ROLE = "worker";

    private ClusterNodes() {}

    /**
     * HOCON for a node at {@code host:port} with {@code roles}, joining {@code seed}: "host:port",
     * or several separated by commas (the coordinator and its standbys), tried in turn.
     */
    public static Config config(String host, int port, List<String> roles, String seed) {
        return config(host, port, roles, seed, NodeSecurity.NONE);
    }

    /** The same, with Artery over TLS when {@code security} has it. */
    public static Config config(String host, int port, List<String> roles, String seed, NodeSecurity security) {
        Map<String, Object> m = new HashMap<>();
        m.put("pekko.remote.artery.canonical.hostname", host);
        m.put("pekko.remote.artery.canonical.port", port);
        m.put("pekko.cluster.roles", roles);
        m.put("pekko.cluster.seed-nodes", java.util.Arrays.stream(seed.split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).map(x -> "pekko://" + SYSTEM + "@" + x).toList());
        if (security.tls() != null) {
            m.putAll(tls(security.tls()));
        }
        return ConfigFactory.parseMap(m).withFallback(ConfigFactory.load());
    }

    /**
     * Artery's TLS transport with Pekko's ConfigSSLEngineProvider: TLSv1.3, mutual authentication
     * (both ends show a certificate the other trusts, so a node of another cluster cannot even
     * connect). Hostnames are not verified: nodes share a cluster certificate (deploy/SECURITY.md).
     */
    static Map<String, Object> tls(NodeSecurity.Tls tls) {
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        Map<String, Object> m = new HashMap<>();
        m.put("pekko.remote.artery.transport", "tls-tcp");
        m.put("pekko.remote.artery.ssl.ssl-engine-provider", "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
        m.put(engine + "key-store", tls.keyStore().toString());
        m.put(engine + "key-store-password", tls.keyStorePassword());
        m.put(engine + "key-password", tls.keyStorePassword()); // PKCS12: the key's is the store's
        m.put(engine + "trust-store", tls.trustStore().toString());
        m.put(engine + "trust-store-password", tls.trustStorePassword());
        m.put(engine + "require-mutual-authentication", "on");
        m.put(engine + "protocol", "TLSv1.3");
        return m;
    }

    /**
     * The coordinator singleton's proxy; on a {@code coordinator} node this also hosts the
     * singleton (running {@code behavior} on the oldest such node).
     */
    public static ActorRef<CoordinatorProtocol.Command> coordinator(ActorSystem<?> system,
            Behavior<CoordinatorProtocol.Command> behavior) {
        if (system.settings().config().getStringList("pekko.cluster.roles").contains(COORDINATOR_ROLE)) {
            // a standby's replicator must run before it hosts the coordinator: it holds the run state
            DistributedData.get(system);
        }
        return ClusterSingleton.get(system).init(SingletonActor.of(behavior, "coordinator")
                .withSettings(ClusterSingletonSettings.create(system).withRole(COORDINATOR_ROLE)));
    }

    /** The proxy from a node that never hosts the coordinator. */
    public static ActorRef<CoordinatorProtocol.Command> coordinatorProxy(ActorSystem<?> system) {
        return coordinator(system, Behaviors.ignore());
    }

    /** "host:port" → parts, with a clear error. */
    public static String[] hostPort(String value, String option) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not host:port");
        }
        try {
            Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' has no numeric port");
        }
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }
}
