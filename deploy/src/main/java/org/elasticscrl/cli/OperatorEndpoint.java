package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.elasticscrl.coordinator.FreshQueries;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;

/**
 * Operators' questions over HTTP on a coordinator node ({@code POST /query}), so that {@code scrl status} answers in
 * about a second: joining the cluster as a node first took 10+ s. The body names the command and argument and, with
 * a cluster secret, proves it as a shell's query does ({@link ClusterSecret#queryCredential}, bound to
 * {@link #REPLY_REF} where a shell's binds its actor) — with a fresh nonce, each accepted once ({@link FreshQueries}).
 * The node then asks the coordinator singleton as a standby does, with its own proof, and returns the answer's JSON
 * (200, or 409 for a refused order). A query names the node it is meant for and is run only by that node (421
 * otherwise: two clusters on one machine, the port taken by the other's), and the answer names it
 * ({@link #NODE_HEADER}). Plain HTTP: the secret is never sent, but answers and orders
 * are readable on the wire — bind it to a trusted network (the default: this machine only).
 */
final class OperatorEndpoint implements AutoCloseable {
    /** What an HTTP query's credential binds in place of a shell's reply actor. */
    static final String REPLY_REF = "operator-http";
    static final String NODE_HEADER = "X-Scrl-Node";
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "operator-http");
        t.setDaemon(true);
        return t;
    });
    private final FreshQueries fresh = new FreshQueries();

    private OperatorEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code bind:port} for the node at {@code node} (host:port); null when the port cannot be had. */
    static OperatorEndpoint start(ActorSystem<?> system, ActorRef<CoordinatorProtocol.Command> coordinator,
            ClusterSecret secret, String bind, int port, String node) {
        try {
            OperatorEndpoint e = new OperatorEndpoint(HttpServer.create(new InetSocketAddress(bind, port), 16));
            e.server.createContext("/query", x -> e.handle(x, system, coordinator, secret, node));
            e.server.setExecutor(e.threads);
            e.server.start();
            return e;
        } catch (IOException | RuntimeException e) {
            System.err.println("--operator-port " + port + ": not serving operators' questions over HTTP ("
                    + e.getMessage() + "); give another port (scrl status then joins the cluster, slower)");
            return null;
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x, ActorSystem<?> system, ActorRef<CoordinatorProtocol.Command> coordinator,
            ClusterSecret secret, String node) throws IOException {
        try (x) {
            x.getResponseHeaders().set(NODE_HEADER, node);
            if (!x.getRequestMethod().equals("POST")) {
                reply(x, 405, error("POST a query: {\"command\": ..., \"argument\": ...}"));
                return;
            }
            JsonNode q;
            try (InputStream in = x.getRequestBody()) {
                byte[] body = in.readNBytes(MAX_BODY + 1);
                q = body.length > MAX_BODY ? null : JSON.readTree(body);
            } catch (IOException e) {
                q = null;
            }
            if (q == null || !q.path("command").isTextual()) {
                reply(x, 400, error("the body is not a query: a JSON object of at most " + MAX_BODY
                        + " bytes with \"command\" (and \"argument\", \"nonce\", \"unix_millis\", \"credential\")"));
                return;
            }
            if (!q.path("node").asText("").equals(node)) { // an order meant for another cluster's node is not run here
                reply(x, 421, error("this is the operator endpoint of " + node + ", not of " + q.path("node").asText("")));
                return;
            }
            String command = q.path("command").asText();
            String argument = q.path("argument").asText("");
            String nonce = q.path("nonce").asText("");
            long unixMillis = q.path("unix_millis").asLong(0);
            String why = secret.queryRefusal(q.path("fingerprint").asText(""), q.path("credential").asText(""),
                    command, argument, REPLY_REF, nonce, unixMillis);
            if (why == null && secret.isSet()) {
                synchronized (fresh) {
                    why = fresh.refusal(nonce, unixMillis, System.currentTimeMillis());
                }
            }
            if (why != null) {
                reply(x, 403, error("refused: " + secret.forPeer(why)));
                return;
            }
            ShellProtocol.Command a;
            try {
                a = ShellClient.askOnce(system, coordinator, secret, command, argument);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                reply(x, 504, error("no answer from the coordinator (" + e.getClass().getSimpleName()
                        + "): is a run going on?"));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (a instanceof ShellProtocol.Answer answer) {
                reply(x, answer.ok() ? 200 : 409, answer.json());
            } else {
                reply(x, 502, error("the coordinator answered " + a.getClass().getSimpleName() + ", not an answer"));
            }
        }
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    private static void reply(HttpExchange x, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
