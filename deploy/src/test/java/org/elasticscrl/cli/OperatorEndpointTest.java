package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator endpoint against a stand-in coordinator that checks each query's proof as the real one does: answers
 * reach the client; a wrong secret, a replayed body and another cluster's node are refused or skipped; with nothing
 * listening the command falls back to joining (empty).
 */
class OperatorEndpointTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("the cluster's secret".getBytes(StandardCharsets.UTF_8));
    private static final String NODE = "127.0.0.1:25520";
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private ActorSystem<CoordinatorProtocol.Command> coordinator;
    private OperatorEndpoint endpoint;

    private void start(ClusterSecret secret) {
        coordinator = ActorSystem.create(Behaviors.receive((ctx, m) -> {
            if (m instanceof CoordinatorProtocol.Query q) {
                String why = secret.queryRefusal(q.secretFingerprint(), q.credential(), q.command(), q.argument(),
                        ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(q.replyTo()), q.nonce(),
                        q.unixMillis());
                asked.add(q.command() + " " + q.argument());
                q.replyTo().tell(why != null ? new ShellProtocol.Answer(false, "{\"error\": \"" + why + "\"}")
                        : q.command().equals("drain") ? new ShellProtocol.Answer(false, "{\"error\": \"no worker "
                                + q.argument() + "\"}") : new ShellProtocol.Answer(true, "{\"committed_step\": 7}"));
            }
            return Behaviors.same();
        }), "operator-test", ConfigFactory.parseString("pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off").withFallback(ConfigFactory.load()));
        endpoint = OperatorEndpoint.start(coordinator, coordinator, secret, "127.0.0.1", 0, NODE);
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (coordinator != null) {
            coordinator.terminate();
        }
    }

    @Test
    void anAnswerComesBackOverHttpWithTheNodesOwnProofToTheCoordinator() throws Exception {
        start(SECRET);
        Optional<com.fasterxml.jackson.databind.JsonNode> a = OperatorHttp.ask(NODE, endpoint.port(), SECRET, "status", "");
        assertEquals(7, a.orElseThrow().get("committed_step").asInt());
        assertEquals(List.of("status "), asked);
        var refused = assertThrows(IllegalArgumentException.class,
                () -> OperatorHttp.ask(NODE, endpoint.port(), SECRET, "drain", "worker-9"));
        assertEquals("no worker worker-9", refused.getMessage(), "a refused order is the coordinator's reason");
    }

    @Test
    void anotherSecretIsRefusedBeforeTheCoordinatorIsAsked() throws Exception {
        start(SECRET);
        ClusterSecret other = ClusterSecret.of("another cluster's".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(IllegalArgumentException.class,
                () -> OperatorHttp.ask(NODE, endpoint.port(), other, "pause", ""));
        assertTrue(e.getMessage().startsWith("refused: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OperatorHttp.ask(NODE, endpoint.port(), ClusterSecret.NONE,
                "pause", ""), "no proof at all");
        assertEquals(List.of(), asked);
    }

    @Test
    void aBodySentAgainIsRefusedAsAReplay() throws Exception {
        start(SECRET);
        String nonce = ClusterSecret.nonce();
        long now = System.currentTimeMillis();
        String body = new ObjectMapper().createObjectNode().put("node", NODE).put("command", "pause").put("argument", "")
                .put("nonce", nonce).put("unix_millis", now).put("fingerprint", SECRET.fingerprint())
                .put("credential", SECRET.queryCredential("pause", "", OperatorEndpoint.REPLY_REF, nonce, now)).toString();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/query"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertEquals(200, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> again = http.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, again.statusCode());
        assertTrue(again.body().contains("replayed"), again.body());
        assertEquals(List.of("pause "), asked, "the order reached the coordinator once");
        HttpResponse<String> junk = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                + "/query")).POST(HttpRequest.BodyPublishers.ofString("not json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, junk.statusCode());
        assertEquals(NODE, junk.headers().firstValue(OperatorEndpoint.NODE_HEADER).orElseThrow());
    }

    @Test
    void anotherClustersNodeOrNobodyListeningMeansJoiningInstead() throws Exception {
        start(ClusterSecret.NONE);
        assertEquals(Optional.empty(), OperatorHttp.ask("127.0.0.1:25999", endpoint.port(), ClusterSecret.NONE,
                "status", ""), "the endpoint is another node's than the one asked for: it runs nothing");
        int free = org.elasticscrl.node.FreePorts.pick();
        assertEquals(Optional.empty(), OperatorHttp.ask(NODE, free, ClusterSecret.NONE, "status", ""));
        assertEquals(Optional.empty(), OperatorHttp.ask(NODE, 0, ClusterSecret.NONE, "status", ""), "0: off");
        assertEquals(List.of(), asked);
        assertEquals(7, OperatorHttp.ask(NODE, endpoint.port(), ClusterSecret.NONE, "status", "").orElseThrow()
                .get("committed_step").asInt(), "a cluster without a secret asks without proof");
    }
}
