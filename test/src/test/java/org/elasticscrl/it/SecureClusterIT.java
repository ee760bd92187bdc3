package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.elasticscrl.protocol.ClusterSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and a worker train over TLS with a cluster secret, while intruders try to join
 * mid-run: one with a wrong secret and one speaking another protocol version are refused by the
 * coordinator with one log line each (and hear why and exit); one with another cluster's TLS key
 * never gets past the handshake. The run completes with every step computed by the real worker.
 */
class SecureClusterIT {
    static final String PASSWORD = "it-keystore-password";
    static final int EPOCHS = 4; // long enough that the intruders and the operators arrive mid-run
    static final long STEPS = (long) EPOCHS * ElasticClusterIT.SCENES / ElasticClusterIT.BATCH;

    /** deploy/bin/scrl-tls-keys: the README's keytool sequence, run as users run it. */
    static void keys(Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("../deploy/bin/scrl-tls-keys").toString(), dir.toString())
                .redirectErrorStream(true);
        pb.environment().put("SCRL_TLS_KEYSTORE_PASSWORD", PASSWORD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static List<String> tls(Path keys) {
        return List.of("--tls-keystore", keys.resolve("keystore.p12").toString(), "--tls-truststore",
                keys.resolve("truststore.p12").toString());
    }

    static String[] args(Path keys, Path secret, String... more) {
        List<String> a = new ArrayList<>(tls(keys));
        a.addAll(List.of("--secret-file", secret.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static long count(String log, String regex) {
        return Pattern.compile(regex).matcher(log).results().count();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void trainsOverTlsWhileIntrudersAreRefusedWithOneClearLine(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path keys = tmp.resolve("keys");
        Path foreignKeys = tmp.resolve("foreign-keys");
        keys(keys);
        keys(foreignKeys);
        Path secret = Files.writeString(tmp.resolve("cluster.secret"), "the cluster secret of this IT\n");
        Path wrong = Files.writeString(tmp.resolve("wrong.secret"), "a secret of some other cluster\n");
        String ours = ClusterSecret.of("the cluster secret of this IT".getBytes(StandardCharsets.UTF_8)).fingerprint();
        String theirs = ClusterSecret.of("a secret of some other cluster".getBytes(StandardCharsets.UTF_8)).fingerprint();

        Path dir = tmp.resolve("cluster");
        long started = System.nanoTime();
        try (LocalCluster cluster = new LocalCluster(dir)) {
            cluster.env("SCRL_TLS_KEYSTORE_PASSWORD", PASSWORD);
            List<String> run = new ArrayList<>(ElasticClusterIT.runArgs());
            run.addAll(List.of("--train/max_epochs=" + EPOCHS, "--train/snapshot_interval=" + EPOCHS));
            run.addAll(List.of(args(keys, secret)));
            cluster.startCoordinator(run);
            // slowed down so the run is still going when the intruders arrive
            cluster.startWorker("worker-0", args(keys, secret, "--throttle", "0.3"));
            cluster.awaitCommitted(1, 240);

            Process wrongSecret = cluster.startWorker("intruder-secret", args(keys, wrong));
            Process otherVersion = cluster.startWorker("intruder-version", List.of("-Dscrl.protocol.fake-version=9"),
                    args(keys, secret));
            Process otherTls = cluster.startWorker("intruder-tls", args(foreignKeys, secret));
            assertTrue(otherVersion.waitFor(120, TimeUnit.SECONDS), "the other-version worker exits once refused");
            // a refusal it cannot verify (the coordinator proves another secret) is not obeyed — a forged one
            // must not stop a worker — but its reason is logged for the operator
            awaitLog(cluster, "intruder-secret.log", "ignored a refusal that does not prove the cluster secret");
            assertTrue(wrongSecret.isAlive(), "an unproven refusal stops no worker");
            wrongSecret.destroy();
            long refusedAt = cluster.committed();
            double refusedAfter = (System.nanoTime() - started) / 1e9;
            assertTrue(refusedAt < STEPS, "intruders were refused mid-run (at step " + refusedAt + ")");

            // an operator needs the secret too: status with it, an order with another cluster's refused
            List<String> status = new ArrayList<>(List.of("status", "--join", cluster.seed(), "--json"));
            status.addAll(List.of(args(keys, secret)));
            JsonNode answer = new ObjectMapper().readTree(cluster.output(status, "", "operator.log", 60));
            assertTrue(answer.get("committed_step").asLong() >= refusedAt - 1, answer.toString());
            List<String> pause = new ArrayList<>(List.of("pause", "--join", cluster.seed()));
            pause.addAll(List.of(args(keys, wrong)));
            AssertionError refused = assertThrows(AssertionError.class,
                    () -> cluster.output(pause, "", "intruder-operator.log", 60));
            assertTrue(refused.getMessage().contains("refused: its cluster secret (fingerprint " + theirs + ")"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains(ours), "a refused peer is not told this cluster's fingerprint");

            assertEquals(0, cluster.awaitCoordinator(300), "coordinator exit code");
            assertTrue(otherTls.isAlive(), "a node with another cluster's TLS key never joins, so never finishes");
            otherTls.destroyForcibly().waitFor();

            String coordinator = cluster.log("coordinator.log");
            assertTrue(coordinator.contains("TLS (keystore " + keys.resolve("keystore.p12").toAbsolutePath()
                    + "), cluster secret " + ours), "the coordinator says how it is secured");
            assertEquals(1, count(coordinator, "WARN .*refused worker 'intruder-secret' at pekko://scrl@127\\.0\\.0\\.1:\\d+: "
                    + "its cluster secret \\(fingerprint " + theirs + "\\) is not this cluster's \\(" + ours + "\\)"),
                    "one refusal line naming both secrets' fingerprints:\n" + coordinator);
            assertEquals(1, count(coordinator, "WARN .*refused worker 'intruder-version' at pekko://scrl@[^:]+:\\d+: "
                    + "it speaks protocol version 9, this cluster speaks " + org.elasticscrl.protocol.ScrlMessageSerializer.PROTOCOL_VERSION),
                    "one refusal line naming both versions:\n" + coordinator);
            assertEquals(1, count(coordinator, "WARN .*refused an operator's 'pause' from pekko://scrl@127\\.0\\.0\\.1:\\d+: "
                    + "its cluster secret \\(fingerprint " + theirs + "\\)"), "one line for the foreign operator");
            assertFalse(coordinator.contains("intruder-tls"), "the TLS intruder never reached the coordinator");

            assertTrue(cluster.log("intruder-secret.log").contains("worker intruder-secret ignored a refusal that does not"
                    + " prove the cluster secret (\"its cluster secret (fingerprint " + theirs + ") is not this cluster's"));
            assertFalse(cluster.log("intruder-secret.log").contains(ours), "nor a refused worker");
            assertTrue(cluster.log("intruder-version.log").contains("worker intruder-version stops: refused by the"
                    + " coordinator: it speaks protocol version 9"));
            assertTrue(cluster.log("intruder-tls.log").contains("SSLHandshakeException"),
                    "the TLS intruder's log names the handshake failure");
            System.out.printf("SecureClusterIT: intruders refused at step %d (%.0f s), %d steps in %.0f s%n", refusedAt,
                    refusedAfter, STEPS, (System.nanoTime() - started) / 1e9);
            for (String log : List.of("coordinator.log", "intruder-secret.log", "intruder-version.log", "intruder-tls.log")) {
                cluster.log(log).lines().filter(l -> l.contains("refused worker") || l.contains("stops: refused")
                        || l.contains("ignored a refusal")
                        || l.contains("SSLHandshake")).limit(2)
                        .forEach(l -> System.out.println("  " + log + ": " + l));
            }
        }

        RunRecords records = new RunRecords(dir);
        var commits = records.commits();
        assertEquals(STEPS, commits.size(), "the run completed every step");
        assertTrue(commits.stream().allMatch(c -> c.chunks().values().stream().allMatch("worker-0"::equals)),
                "only the admitted worker computed");
        for (String[] e : records.events()) {
            if (e[0].startsWith("intruder")) {
                assertEquals("refused", e[1], "an intruder is only ever refused: " + String.join(",", e));
            }
        }
        assertEquals(2, records.events().stream().filter(e -> e[1].equals("refused")).count(), "one record each");
    }

    /** Waits (up to 2 minutes) until a child's log holds {@code text}. */
    private static void awaitLog(LocalCluster cluster, String log, String text) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!cluster.log(log).contains(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(log + " never said '" + text + "':\n" + cluster.log(log));
            }
            Thread.sleep(200);
        }
    }
}
