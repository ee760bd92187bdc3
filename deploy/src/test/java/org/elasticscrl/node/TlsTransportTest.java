package org.elasticscrl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.protocol.WorkerProtocol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artery over TLS as ClusterNodes configures it: two nodes with the cluster's keys talk; a node
 * with another cluster's keys cannot reach them (mutual authentication refuses it in the handshake).
 */
class TlsTransportTest {
    static final String PW = "tls-test-pass";
    @TempDir
    static Path dir;
    static NodeSecurity.Tls ours;
    static NodeSecurity.Tls theirs;

    @BeforeAll
    static void keys() throws Exception {
        ours = keys("ours");
        theirs = keys("theirs");
    }

    /** The sequence of deploy/SECURITY.md: a cluster key pair, its certificate trusted. */
    static NodeSecurity.Tls keys(String name) throws Exception {
        Path ks = dir.resolve(name + "-keystore.p12");
        Path ts = dir.resolve(name + "-truststore.p12");
        Path crt = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", "scrl-node", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=scrl-" + name, "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PW);
        keytool("-exportcert", "-alias", "scrl-node", "-rfc", "-file", crt.toString(), "-keystore", ks.toString(),
                "-storepass", PW);
        keytool("-importcert", "-noprompt", "-alias", "scrl-cluster", "-file", crt.toString(), "-keystore",
                ts.toString(), "-storetype", "PKCS12", "-storepass", PW);
        return NodeSecurity.load(ks, ts, null, Map.of(NodeSecurity.KEYSTORE_PASSWORD, PW)::get).tls();
    }

    static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static Config node(NodeSecurity.Tls tls) {
        return ConfigFactory.parseMap(ClusterNodes.tls(tls)).withFallback(ConfigFactory.parseString("""
                pekko.actor.provider = remote
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.remote.warn-about-direct-use = off
                """)).withFallback(ConfigFactory.defaultReference());
    }

    /** Sends a message from a node with {@code from}'s keys to one with {@code to}'s; its reception. */
    static CompletableFuture<WorkerProtocol.Command> send(NodeSecurity.Tls from, NodeSecurity.Tls to) {
        CompletableFuture<WorkerProtocol.Command> got = new CompletableFuture<>();
        ActorSystem<WorkerProtocol.Command> receiver = ActorSystem.create(Behaviors.receiveMessage(m -> {
            got.complete(m);
            return Behaviors.same();
        }), "receiver", node(to));
        ActorSystem<Void> sender = ActorSystem.create(Behaviors.empty(), "sender", node(from));
        ActorRef<WorkerProtocol.Command> remote = ActorRefResolver.get(sender)
                .resolveActorRef(ActorRefResolver.get(receiver).toSerializationFormat(receiver));
        remote.tell(new WorkerProtocol.Release("over TLS"));
        return got.whenComplete((m, e) -> {
            sender.terminate();
            receiver.terminate();
        });
    }

    @Test
    void nodesWithTheClustersKeysTalk() throws Exception {
        assertEquals(new WorkerProtocol.Release("over TLS"), send(ours, ours).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aNodeWithAnotherClustersKeysIsRefusedInTheHandshake() {
        var got = send(theirs, ours);
        assertThrows(TimeoutException.class, () -> got.get(5, TimeUnit.SECONDS));
        got.complete(null); // shuts both nodes down
    }

    @Test
    void tlsSettingsNameTheStoresAndRequireMutualAuthentication() {
        Config c = ClusterNodes.config("127.0.0.1", 0, List.of("worker"), "127.0.0.1:1", new NodeSecurity(ours, null));
        assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        assertEquals(ours.keyStore().toString(), c.getString(engine + "key-store"));
        assertEquals(ours.trustStore().toString(), c.getString(engine + "trust-store"));
        assertEquals(true, c.getBoolean(engine + "require-mutual-authentication"));
        assertEquals("tcp", ClusterNodes.config("127.0.0.1", 0, List.of("worker"), "127.0.0.1:1")
                .getString("pekko.remote.artery.transport"));
    }
}
