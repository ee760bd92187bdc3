package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.elasticscrl.protocol.ClusterSecret;

/**
 * An operator's question to a coordinator node's {@link OperatorEndpoint}: no cluster membership, so a one-shot
 * command answers in about a second. {@link #ask} returns empty when no endpoint of the cluster named by
 * {@code --join} answers there (none listening, another cluster's node, an old release): the caller then joins.
 */
final class OperatorHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(1);
    /** The coordinator answers within its own 3 s ask; a little more for the HTTP round trip. */
    private static final Duration ANSWER = Duration.ofSeconds(5);

    private OperatorHttp() {}

    /**
     * The answer of the cluster at {@code join} (host:port, comma-separated) to {@code command}, asked of the
     * endpoint on each coordinator's host at {@code port}; empty when none of them serves it. An answer refusing the
     * order throws {@link IllegalArgumentException} with the coordinator's reason, as a shell's does.
     */
    static Optional<JsonNode> ask(String join, int port, ClusterSecret secret, String command, String argument)
            throws InterruptedException {
        if (port <= 0) {
            return Optional.empty();
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).build();
        for (String node : Arrays.stream(join.split(",")).map(String::trim).toList()) {
            String host = node.substring(0, node.lastIndexOf(':'));
            String nonce = ClusterSecret.nonce();
            long now = System.currentTimeMillis();
            String body = JSON.createObjectNode().put("node", node).put("command", command).put("argument", argument).put("nonce", nonce)
                    .put("unix_millis", now).put("fingerprint", secret.isSet() ? secret.fingerprint() : "")
                    .put("credential", secret.isSet() ? secret.queryCredential(command, argument,
                            OperatorEndpoint.REPLY_REF, nonce, now) : "").toString();
            HttpResponse<String> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/query"))
                        .timeout(ANSWER).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException | IllegalArgumentException e) {
                continue; // nothing listening there: try the next coordinator, then join
            }
            if (!r.headers().firstValue(OperatorEndpoint.NODE_HEADER).map(node::equals).orElse(false)) {
                continue; // another cluster's node (or not ours at all) answered on that port
            }
            JsonNode json;
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                continue;
            }
            if (r.statusCode() == 200) {
                return Optional.of(json);
            }
            if (r.statusCode() == 409 || r.statusCode() == 403) {
                throw new IllegalArgumentException(json.path("error").asText(r.body()));
            }
            // 504 and the like: the node could not reach the coordinator; another node, or joining, may
        }
        return Optional.empty();
    }
}
