package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that stops hearing its peers while they still hear it ({@link DeafFailureDetector}): the cluster's
 * records then say that one node marks every other unreachable and no one marks it — the table on which Pekko's
 * resolver downed 7 of 8 healthy nodes, both coordinators included, in a 100-fault chaos campaign (seed 1; there
 * a worker woken from a freeze and frozen again left those marks). It still hears one peer, as that worker did:
 * a node gossips only to peers it hears, so its marks reach the others through that one. The downing must take
 * that worker alone: no takeover, no other worker taken out, and the run completes with nothing lost.
 *
 * <p>{@code -Dscrl.it.downing-provider=org.apache.pekko.cluster.sbr.SplitBrainResolverProvider} runs it against
 * Pekko's resolver (which fails it).
 */
class DeafWorkerIT {
    static final int FAULT_AT = 6;
    /** Its peers: the coordinator, the standby and two workers. */
    static final int PEERS = 4;

    @Test
    void aWorkerThatStopsHearingItsPeersIsTheOnlyNodeDowned(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path dir = tmp.resolve("deaf");
        Path deaf = dir.resolve("deaf");
        long faultAt;
        String provider = System.getProperty("scrl.it.downing-provider", "");
        String[] flags = provider.isEmpty() ? new String[0] : new String[] {"-Dscrl.cluster.downing-provider=" + provider};
        try (LocalCluster cluster = new LocalCluster(dir, flags)) {
            cluster.startCoordinator(WorkerFaultIT.runArgs());
            cluster.startStandby(List.of());
            cluster.startWorker("worker-0");
            cluster.startWorker("worker-1");
            cluster.withTestClasses().startWorker("worker-2", List.of("-Dscrl.it.deaf-file=" + deaf,
                    "-Dpekko.cluster.failure-detector.implementation-class=" + DeafFailureDetector.class.getName()));
            cluster.awaitCommitted(FAULT_AT, 240);
            faultAt = System.currentTimeMillis();
            Files.createFile(deaf);
            // deaf until the cluster took it out (its next node, in the same JVM, hears again), at most 30 s
            long until = faultAt + 30_000;
            while (System.currentTimeMillis() < until && new RunRecords(dir).firstEvent("worker-2", faultAt, "gone").isEmpty()) {
                Thread.sleep(100);
            }
            assertTrue(marks(cluster.log("worker-2.log")) >= PEERS - 1, "the deaf worker did not mark its peers");
            Files.delete(deaf);
            assertEquals(0, cluster.awaitCoordinator(300), "the coordinator's exit code\n" + decisions(dir));
        }
        RunRecords records = WorkerFaultIT.invariantsHold(dir, 4);
        List<String> after = records.events().stream().filter(e -> Long.parseLong(e[4]) >= faultAt)
                .map(e -> String.join(" ", e)).toList();
        String context = String.join("\n", after) + "\n" + decisions(dir);
        assertTrue(after.stream().noneMatch(e -> e.contains(" took-over ")), "a coordinator was downed:\n" + context);
        for (String w : List.of("worker-0", "worker-1")) { // released at the run's end (step -1) is not taken out
            assertTrue(records.events().stream().noneMatch(e -> e[0].equals(w) && e[1].equals("gone")
                    && !e[2].equals("-1") && Long.parseLong(e[4]) >= faultAt), w + " was taken out:\n" + context);
        }
        String[] gone = records.firstEvent("worker-2", faultAt, "gone").orElseThrow(() -> new AssertionError(
                "the deaf worker was never taken out:\n" + context));
        System.out.printf("deaf worker: only it was downed, %d ms after it stopped hearing its peers%n%s%n",
                Long.parseLong(gone[4]) - faultAt, decisions(dir));
    }

    private static int marks(String log) {
        return log.split("Marking node as UNREACHABLE", -1).length - 1;
    }

    /** The downing decisions the nodes logged. */
    private static String decisions(Path dir) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains("took decision") || line.contains("KeepMajorityDowning - downing")) {
                        b.append(log.getFileName()).append(": ").append(line, 0, Math.min(line.length(), 400)).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }
}
