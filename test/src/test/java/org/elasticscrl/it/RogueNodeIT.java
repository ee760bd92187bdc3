package org.elasticscrl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.blob.FlippingRelay;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node without the cluster's credentials ({@link RogueNode}) attacks a live run in the "secret only"
 * setup — it can reach Artery and join — and, in the "TLS and secret" setup, a node that holds the
 * cluster's TLS key but no secret and no worker's session, each with every message a worker or the coordinator sends, forged,
 * sealed under guessed keys, as garbage, under a member's id, as operators' orders, and a captured order
 * replayed. The run must finish with I1–I3 intact, nothing of it obeyed, each kind refused and logged.
 * Prints a table of attempts, refusals seen in the logs and effects (which must be 0).
 */
class RogueNodeIT {
    static final byte[] SECRET = "the secret of the rogue node test".getBytes(StandardCharsets.UTF_8);
    static final int PROVE_WITHIN = 30;
    /** Long enough to outlast the attack and the rogue node's downing. */
    static final int EPOCHS = 16; // the run outlasts the attack (it ends when the gatekeeper downs the rogue node)
    static final long STEPS = (long) EPOCHS * ElasticClusterIT.SCENES / ElasticClusterIT.BATCH;

    /**
     * {@code tlsKey} false: the "secret only" setup, the rogue node holds nothing; true: TLS and the
     * secret, the rogue node holds the cluster's TLS key (it joins through the handshake) but no
     * worker's session and no secret.
     */
    @ParameterizedTest(name = "holding the TLS key: {0}")
    @ValueSource(booleans = {false, true})
    void aNodeWithoutASessionChangesNothing(boolean tlsKey, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path dir = tmp.resolve("run");
        Path secretFile = Files.write(tmp.resolve("secret"), SECRET);
        ClusterSecret secret = ClusterSecret.of(SECRET);
        List<String> security = new ArrayList<>(List.of("--secret-file", secretFile.toString()));
        Path keys = tmp.resolve("keys");
        if (tlsKey) {
            SecureClusterIT.keys(keys);
            security.addAll(SecureClusterIT.tls(keys));
        }
        List<String> worker = new ArrayList<>(security);
        worker.addAll(List.of("--throttle", "0.3"));
        List<String> args = new ArrayList<>(ElasticClusterIT.runArgs());
        args.removeIf(a -> a.startsWith("--train/max_epochs") || a.startsWith("--train/snapshot_interval"));
        args.addAll(List.of("--train/max_epochs=" + EPOCHS, "--train/snapshot_interval=" + EPOCHS));
        args.addAll(security);
        JsonNode rogue;
        long attackFrom;
        long attackTo;
        // room for the whole attack before the gatekeeper downs the rogue node, which proves nothing
        int tensorsPort = org.elasticscrl.node.FreePorts.pick();
        try (LocalCluster cluster = new LocalCluster(dir, "-Dscrl.cluster.prove-within=" + PROVE_WITHIN + "s");
                FlippingRelay relay = new FlippingRelay(tensorsPort)) {
            cluster.env("SCRL_TLS_KEYSTORE_PASSWORD", SecureClusterIT.PASSWORD);
            cluster.startCoordinator(args);
            cluster.startWorker("worker-0", worker.toArray(String[]::new));
            // worker-1's tensors reach the coordinator through someone on the path, who flips a bit mid-attack
            List<String> behindRelay = new ArrayList<>(worker);
            behindRelay.addAll(List.of("--tensors-port", Integer.toString(tensorsPort), "--tensors-advertise",
                    "127.0.0.1:" + relay.port()));
            cluster.startWorker("worker-1", behindRelay.toArray(String[]::new));
            cluster.awaitCommitted(2, 240);
            Path exchange = Files.createDirectories(tmp.resolve("exchange"));
            attackFrom = System.currentTimeMillis();
            String blobPort = cluster.log("coordinator.log").lines().filter(l -> l.startsWith("tensor transport at "))
                    .findFirst().orElseThrow(() -> new AssertionError("the coordinator names no tensor transport"))
                    .replaceAll("tensor transport at [^:]+:(\\d+).*", "$1");
            List<String> rogueArgs = new ArrayList<>(List.of(cluster.seed(), "worker-0", exchange.toString(), blobPort));
            if (tlsKey) {
                rogueArgs.addAll(List.of(keys.resolve("keystore.p12").toString(), keys.resolve("truststore.p12").toString()));
            }
            Process p = cluster.startTestMain(RogueNode.class, rogueArgs, "rogue.log");
            relay.flipOnceAfter(30_000); // inside the next payload worker-1 serves (or its framing)
            Path ref = exchange.resolve("reply-ref");
            for (int i = 0; i < 600 && !Files.exists(ref); i++) {
                Thread.sleep(100);
            }
            // what an operator's shell on another node sent, as someone on the network captured it
            String operatorRef = "pekko://scrl@127.0.0.1:1/system/operator-shell#1";
            String nonce = ClusterSecret.nonce();
            long now = System.currentTimeMillis();
            Files.writeString(exchange.resolve("captured.tmp"), String.join("\n", "status", "", secret.fingerprint(),
                    secret.queryCredential("status", "", operatorRef, nonce, now), nonce, Long.toString(now),
                    operatorRef));
            Files.move(exchange.resolve("captured.tmp"), exchange.resolve("captured"));
            // it reports once it is downed, the attack over; its JVM's shutdown after that can take tens of seconds
            for (int i = 0; i < 2400 && p.isAlive() && cluster.log("rogue.log").lines()
                    .noneMatch(l -> l.startsWith("ROGUE ")); i++) {
                Thread.sleep(100);
            }
            attackTo = System.currentTimeMillis() + 5000; // what it sent last has arrived by then
            assertTrue(cluster.committed() < STEPS, "the attack came while the run trained");
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the rogue node finishes its attack and exits");
            String line = cluster.log("rogue.log").lines().filter(l -> l.startsWith("ROGUE ")).findFirst()
                    .orElseThrow(() -> new AssertionError("the rogue node printed nothing:\n" + cluster.log("rogue.log")));
            rogue = new ObjectMapper().readTree(line.substring(6));
            assertEquals(0, cluster.awaitCoordinator(300), "the run finishes");

            RunRecords records = new RunRecords(dir);
            List<String> cfgArgs = new ArrayList<>(args.subList(2, args.size()));
            cfgArgs.removeAll(security);
            cfgArgs.add("--save_dir=" + dir);
            var cfg = org.elasticscrl.config.ConfigLoader.load("scrl_cpu", cfgArgs);
            var commits = records.commits();
            Invariants.everyStepCommittedOnce(commits, STEPS);
            Invariants.everySampleOnce(cfg, commits, ElasticClusterIT.SCENES);
            Invariants.schedulesByStep(cfg, commits, ElasticClusterIT.SCENES);
            Invariants.replicasAgree(records.checksums(), STEPS);

            String coordinator = cluster.log("coordinator.log");
            String workers = cluster.log("worker-0.log") + cluster.log("worker-1.log");
            // effects: nothing the rogue sent was obeyed while it attacked (workers end with the run after it)
            List<String> effects = new ArrayList<>();
            records.events().stream().filter(e -> Long.parseLong(e[4]) >= attackFrom && Long.parseLong(e[4]) <= attackTo)
                    .forEach(e -> {
                boolean end = e[1].equals("left") && e[3].contains("run complete");
                if (!List.of("worker-0", "worker-1", "coordinator").contains(e[0]) && e[1].equals("registered")) {
                    effects.add("registered " + e[0]);
                }
                if (List.of("gone", "draining", "failed", "resync", "crashed").contains(e[1])
                        || (e[1].equals("left") && !end)) {
                    effects.add(e[0] + " " + e[1] + ": " + e[3]);
                }
            });
            for (String obeyed : List.of("stops: refused", "released: forged", "excluded by the coordinator",
                    "could not build the replica")) {
                if (workers.contains(obeyed)) {
                    effects.add("a worker logged '" + obeyed + "'");
                }
            }
            if (coordinator.contains("paused")) {
                effects.add("the run was paused");
            }
            assertEquals(0, rogue.get("answers_ok").asInt(), "nothing the rogue asked was answered");
            Map<String, String> evidence = Map.ofEntries(
                    Map.entry("to coordinator, unsealed", "unsealed"),
                    Map.entry("to coordinator, sealed under a guessed key", "its MAC does not verify"),
                    Map.entry("to coordinator, sealed garbage", "Sealed (manifest SE"),
                    Map.entry("registration under a member's id", "refused worker 'worker-0'"),
                    Map.entry("registration with an oversized id", "worker_id"),
                    Map.entry("operator order without the secret", "presents no cluster secret"),
                    Map.entry("operator order with a forged proof", "is not this cluster's"),
                    Map.entry("captured operator order replayed", "its nonce was used already"),
                    Map.entry("to a worker, unsealed", "ignored an unsealed"),
                    Map.entry("to a worker, sealed under a guessed key", "ignored a sealed message that does not open"),
                    Map.entry("to a worker, a refusal without proof", "ignored a refusal that does not prove"),
                    Map.entry("to a worker, a resync with a forged proof", "ignored a resync order"),
                    Map.entry("to a worker, a Welcome with a forged proof", "ignored a Welcome that does not prove"),
                    Map.entry("half-open blob connections from one address", "refused connections from /127.0.0.2"));
            String logs = coordinator + workers;
            System.out.printf("%-45s %8s %8s%n", "attack", "attempts", "refused");
            int total = 0;
            for (var e : rogue.get("attempts").properties()) {
                String why = evidence.get(e.getKey());
                boolean logged = why != null && logs.contains(why);
                System.out.printf("%-45s %8d %8s%n", e.getKey(), e.getValue().asInt(), logged ? "all, logged" : "NOT LOGGED");
                assertTrue(logged, e.getKey() + ": no refusal in the logs ('" + why + "')");
                total += e.getValue().asInt();
            }
            System.out.printf("%-45s %8d %8s   effects: %d%n", "total", total, "", effects.size());
            System.out.printf("half-open blob connections: %d of %d greeted (at most 16 per address are admitted to"
                    + " their opening, greeted at once without TLS, not before a TLS handshake), the rest closed on"
                    + " accept%n", rogue.get("blob_greeted").asInt(), RogueNode.HALF_OPEN);
            assertTrue(effects.isEmpty(), "the rogue node changed the run: " + effects);
            assertTrue(rogue.get("blob_greeted").asInt() <= 16, "at most 16 openings per address: " + rogue);
            assertEquals(1, relay.flipped(), "a bit of worker-1's tensors was flipped on the path");
            List<String[]> refusedTransfers = records.events().stream().filter(e -> e[0].equals("worker-1")
                    && e[1].equals("transfer-failed") && Long.parseLong(e[4]) >= attackFrom).toList();
            assertFalse(refusedTransfers.isEmpty(), "the altered payload was refused, not summed");
            System.out.printf("tensor bytes flipped on the path: 1, refused: %s%n", refusedTransfers.get(0)[3]);
            assertEquals(1, SecureClusterIT.count(coordinator, "refused connections from /127\\.0\\.0\\.2"),
                    "the flood is reported once");
            assertFalse(rogue.get("workers_found").asInt() < 2, "the rogue found both workers to attack");
            // it joined without credentials: downed once it had proven nothing for PROVE_WITHIN seconds
            assertTrue(rogue.get("downed").asBoolean(), "the gatekeeper downed the rogue node: " + rogue);
            assertTrue(coordinator.contains("proved no cluster secret within " + PROVE_WITHIN + " s"), "one line says so");
            assertTrue(rogue.get("member_for_seconds").asInt() <= PROVE_WITHIN + 15, rogue.toString());
        }
    }
}
