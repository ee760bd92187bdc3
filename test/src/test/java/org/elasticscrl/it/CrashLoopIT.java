package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose JVM dies with a fatal error at every attempt — a native crash, here a SIGFPE delivered to
 * the JVM, which takes the same path as one raised in a oneDNN kernel: HotSpot writes its report into the
 * worker's crash directory and aborts. Restarted under the same id (as a service manager would), each next
 * JVM reports the crash when it registers; the coordinator tells the operator (membership.csv, the
 * {@code workers} answer) and, at {@code cluster.max_worker_crashes}, admits the worker no more, while the
 * run goes on with the healthy worker.
 */
class CrashLoopIT {
    static final int LIMIT = 2;

    @Test
    void aWorkerThatCrashesAtEveryAttemptIsRefusedAndTheOperatorSeesWhy(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path dir = tmp.resolve("crashes");
        try (LocalCluster cluster = new LocalCluster(dir)) {
            List<String> args = new ArrayList<>(ElasticClusterIT.runArgs());
            args.removeIf(a -> a.startsWith("--train/max_epochs") || a.startsWith("--train/snapshot_interval"));
            args.addAll(List.of("--train/max_epochs=40", "--train/snapshot_interval=40",
                    "--cluster/max_worker_crashes=" + LIMIT));
            cluster.startCoordinator(args);
            cluster.startWorker("worker-0");
            cluster.awaitCommitted(2, 240);
            for (int attempt = 1; attempt <= LIMIT; attempt++) {
                Process crasher = cluster.startWorker("crasher");
                awaitLog(cluster, "crasher", "welcomed to run", attempt, crasher);
                LocalCluster.signal(crasher, "FPE");
                assertTrue(crasher.waitFor(60, TimeUnit.SECONDS), "the crashed JVM ends");
                assertEquals(134, crasher.exitValue(), "HotSpot aborts after a fatal error");
                try (var reports = Files.list(cluster.crashDir("crasher"))) {
                    assertTrue(reports.anyMatch(p -> p.getFileName().toString().startsWith("hs_err_pid")),
                            "the fatal-error report is in the worker's crash directory");
                }
            }
            // the next JVM reports the last crash: that makes LIMIT in a row, and it is refused
            Process last = cluster.startWorker("crasher");
            assertTrue(last.waitFor(120, TimeUnit.SECONDS), "a refused worker stops; log: " + cluster.log("crasher.log"));
            String log = cluster.log("crasher.log");
            assertTrue(log.contains("refused by the coordinator: its JVM died with a fatal error " + LIMIT
                    + " times in a row") && log.contains("SIGFPE (0x8) (sent by kill)"), log);

            RunRecords records = new RunRecords(dir);
            long told = records.events().stream().filter(e -> e[0].equals("crasher") && e[1].equals("crashed")
                    && e[3].startsWith("SIGFPE (0x8) (sent by kill)")).count();
            assertEquals(LIMIT, told, "each crash told once:" + records.eventLines());
            assertTrue(records.events().stream().anyMatch(e -> e[0].equals("crasher") && e[1].equals("refused")),
                    records.eventLines());

            JsonNode workers = new ObjectMapper().readTree(cluster.output(List.of("workers", "--join", cluster.seed(),
                    "--json"), "", "operator.log", 60));
            JsonNode crashed = workers.get("crashed").get(0);
            assertEquals("crasher", crashed.get("id").asText(), workers.toString());
            assertEquals(LIMIT, crashed.get("crashes").asInt());
            assertTrue(crashed.get("refused").asBoolean());
            assertTrue(crashed.get("last").asText().startsWith("SIGFPE"), crashed.toString());

            long now = cluster.committed();
            cluster.awaitCommitted(now + 3, 120); // the run goes on without it
        }
    }

    /** Waits until {@code worker}'s log holds {@code text} {@code times} times (its JVMs append to one log). */
    private static void awaitLog(LocalCluster cluster, String worker, String text, int times, Process p)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count(cluster.log(worker + ".log"), text) < times) {
            if (!p.isAlive() || System.nanoTime() > end) {
                throw new AssertionError(worker + " never logged '" + text + "' " + times + " times:\n"
                        + cluster.log(worker + ".log"));
            }
            Thread.sleep(100);
        }
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
