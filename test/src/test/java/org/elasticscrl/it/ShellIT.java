package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator against a live cluster (coordinator and two worker JVMs): {@code scrl status --json}
 * answers with the live step and every worker with its lease share; the metrics endpoint parses
 * as Prometheus text and its counters move; {@code pause} stops the commits and {@code resume}
 * goes on at the same step; {@code scrl shell}, fed through a pipe, drains a worker, which leaves
 * after its chunks — and the run completes with no step lost, every sample once.
 */
class ShellIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A sample line of the Prometheus text format: name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})?"
                    + " (-?[0-9.eE+-]+|NaN|[+-]Inf)( [0-9]+)?");

    static final int EPOCHS = 6;
    static final long STEPS = (long) EPOCHS * WorkerFaultIT.SCENES / WorkerFaultIT.BATCH;

    static List<String> runArgs() {
        List<String> a = new ArrayList<>(WorkerFaultIT.runArgs());
        a.removeIf(x -> x.startsWith("--train/max_epochs") || x.startsWith("--train/snapshot_interval"));
        a.addAll(List.of("--train/max_epochs=" + EPOCHS, "--train/snapshot_interval=" + EPOCHS,
                "--cluster/min_workers=2"));
        return a;
    }

    private static JsonNode json(LocalCluster c, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--join", c.seed(), "--json"));
        if (!all.contains("--operator-port")) {
            all.addAll(List.of("--operator-port", Integer.toString(c.operatorPort())));
        }
        return JSON.readTree(c.output(all, "", "operator.log", 60));
    }

    /** The samples of a Prometheus text page, checking every line's syntax. */
    private static Map<String, Double> scrape(int port) throws Exception {
        String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> samples = new HashMap<>();
        for (String line : page.split("\n")) {
            if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertTrue(SAMPLE.matcher(line).matches(), "not Prometheus text: '" + line + "'");
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static double median(List<Double> seconds) {
        List<Double> sorted = seconds.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int freePort() throws Exception {
        return org.elasticscrl.node.FreePorts.pick();
    }

    @Test
    void anOperatorSeesAndSteersALiveRun(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path dir = tmp.resolve("shell");
        int metricsPort = freePort();
        int managementPort = freePort();
        try (LocalCluster cluster = new LocalCluster(dir)) {
            List<String> args = new ArrayList<>(runArgs());
            args.addAll(List.of("--metrics-port", Integer.toString(metricsPort), "--management-port",
                    Integer.toString(managementPort)));
            cluster.startCoordinator(args);
            cluster.startWorker("worker-0");
            Process leaving = cluster.startWorker("worker-1");
            cluster.awaitCommitted(3, 240);

            // paused first: on a slow machine the run must not end before the operator is done
            JsonNode paused = json(cluster, "pause");
            assertTrue(List.of("pausing", "paused").contains(paused.get("state").asText()), paused.toString());
            long stopped = waitForNoCommits(cluster, 4);
            Map<String, Double> first = scrape(metricsPort);

            JsonNode status = json(cluster, "status");
            assertEquals("paused", status.get("state").asText(), status.toString());
            assertEquals(stopped - 1, status.get("committed_step").asLong(), "the live step: " + status);
            assertEquals(STEPS, status.get("total_steps").asLong());
            assertTrue(status.get("waiting_on").asText().startsWith("resume"), status.toString());
            // one-shot commands ask the coordinator's operator endpoint, no cluster membership: seconds from start
            List<Double> overHttp = new ArrayList<>();
            List<Double> joining = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                JsonNode http = json(cluster, "status");
                overHttp.add((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                JsonNode joined = json(cluster, "status", "--operator-port", "0");
                joining.add((System.nanoTime() - t0) / 1e9);
                for (JsonNode a : List.of(http, joined)) { // the same run, the same paused step, either way
                    assertEquals(status.get("committed_step"), a.get("committed_step"), a.toString());
                    assertEquals("paused", a.get("state").asText(), a.toString());
                }
            }
            String asked = java.nio.file.Files.readString(dir.resolve("operator.log"));
            assertFalse(asked.contains("no operator endpoint"), "every status answered over HTTP:\n" + asked);
            System.out.printf("scrl status --json from process start to output, median of 5: %.2f s over the operator"
                    + " endpoint, %.2f s joining the cluster%n", median(overHttp), median(joining));
            JsonNode workers = json(cluster, "workers").get("workers");
            assertEquals(2, workers.size(), workers.toString());
            double shares = 0;
            for (JsonNode w : workers) {
                assertTrue(w.get("lease_share").asDouble() > 0.1, w.toString());
                shares += w.get("lease_share").asDouble();
            }
            assertEquals(1.0, shares, 1e-6, "lease shares");
            assertEquals(stopped, cluster.committed(), "no commit while paused");
            assertTrue(first.containsKey("scrl_step_seconds{part=\"compute\"}"), first.keySet().toString());
            assertTrue(first.containsKey("scrl_worker_samples_per_second{worker=\"worker-0\"}"),
                    first.keySet().toString());
            assertEquals(stopped, first.get("scrl_commits_total"), 0.0, "the commit counter");
            assertEquals(1.0, first.get("scrl_paused"), 0.0);
            String members = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + managementPort + "/cluster/members")).build(), HttpResponse.BodyHandlers.ofString()).body();
            int nodes = 0;
            for (JsonNode m : JSON.readTree(members).get("members")) {
                boolean ours = m.get("roles").toString().contains("\"coordinator\"")
                        || m.get("roles").toString().contains("\"worker\"");
                nodes += ours && m.get("status").asText().equals("Up") ? 1 : 0;
            }
            assertEquals(3, nodes, "Pekko Management lists the coordinator and both workers: " + members);
            assertTrue(members.contains("\"coordinator\"") && members.contains("\"worker\""), members);

            String shell = cluster.output(List.of("shell", "--join", cluster.seed()),
                    "members\nworkers\nresume\ndrain worker-1\nexit\n", "shell.log", 120);
            assertTrue(shell.contains("coordinator") && shell.contains("worker-0"), shell);
            assertTrue(shell.contains("draining") || shell.contains("left"), shell);
            assertTrue(leaving.waitFor(120, TimeUnit.SECONDS), "the drained worker left");
            Map<String, Double> later = scrape(metricsPort);
            assertTrue(later.get("scrl_commits_total") > stopped, "the commit counter moves after resume");
            assertEquals(0.0, later.get("scrl_paused"), 0.0);
            assertEquals(0, cluster.awaitCoordinator(300), "the coordinator's exit code");
        }
        RunRecords records = new RunRecords(dir);
        List<String> cfgArgs = new ArrayList<>(runArgs().subList(2, runArgs().size()));
        cfgArgs.add("--save_dir=" + dir);
        ScrlConfig cfg = org.elasticscrl.config.ConfigLoader.load("scrl_cpu", cfgArgs);
        List<RunRecords.Commit> commits = records.commits();
        Invariants.everyStepCommittedOnce(commits, STEPS);
        Invariants.everySampleOnce(cfg, commits, WorkerFaultIT.SCENES);
        assertTrue(records.events().stream().anyMatch(e -> e[0].equals("worker-1") && e[1].equals("draining")
                && e[3].contains("shell")), records.eventLines());
    }

    /** Waits until commits.csv stops growing for {@code quietSeconds}; returns the count then. */
    private static long waitForNoCommits(LocalCluster c, int quietSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = c.committed();
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            long now = c.committed();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(quietSeconds)) {
                return last;
            }
        }
        throw new AssertionError("commits never stopped after pause");
    }
}
