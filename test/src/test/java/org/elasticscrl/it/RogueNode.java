package org.elasticscrl.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.node.ClusterNodes;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.Sealed;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.ShellProtocol;
import org.elasticscrl.protocol.StepMetrics;
import org.elasticscrl.protocol.WireMessage;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * A node without the cluster's credentials (the "secret only" setup: it can reach Artery and join) that
 * attacks a live run: it names a real worker's id in every message a worker sends, unsealed, sealed under
 * a guessed key and as garbage; sends workers every message the coordinator sends, with forged proofs;
 * registers under a member's id; gives operators' orders without the secret and replays a captured one;
 * opens {@value #HALF_OPEN} half-open connections to the coordinator's blob server from 127.0.0.2.
 * Prints one line of JSON: attempts per kind. Args: seed host:port, the victim worker id, a directory
 * where it writes its reply ref ({@code reply-ref}) and reads a captured order ({@code captured}), the
 * coordinator's blob server port and, optionally, the cluster's TLS keystore and truststore.
 */
public final class RogueNode {
    private static final SplittableRandom RNG = new SplittableRandom(99);
    /** Half-open connections it opens to the coordinator's blob server: more than one address may hold. */
    static final int HALF_OPEN = 40;

    private RogueNode() {}

    public static void main(String[] args) throws Exception {
        String seed = args[0];
        String victim = args[1];
        Path dir = Path.of(args[2]);
        // with the cluster's TLS key (keystore, truststore; the password in the environment), no secret
        NodeSecurity security = args.length > 5
                ? NodeSecurity.load(Path.of(args[4]), Path.of(args[5]), null, System::getenv) : NodeSecurity.NONE;
        // when it is downed it reports before it exits
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterNodes.SYSTEM,
                com.typesafe.config.ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
                        .withFallback(ClusterNodes.config("127.0.0.1", 0, List.of("rogue"), seed, security)));
        ActorRef<CoordinatorProtocol.Command> coordinator = ClusterNodes.coordinatorProxy(system);
        Map<String, Integer> attempts = new LinkedHashMap<>();
        List<ShellProtocol.Command> answers = new ArrayList<>();
        ActorRef<ShellProtocol.Command> shell = system.systemActorOf(Behaviors.receive(ShellProtocol.Command.class)
                .onMessage(ShellProtocol.Command.class, a -> {
                    synchronized (answers) {
                        answers.add(a);
                    }
                    return Behaviors.same();
                }).build(), "rogue-shell", org.apache.pekko.actor.typed.Props.empty());
        var member = org.apache.pekko.cluster.typed.Cluster.get(system);
        long start = System.nanoTime();
        for (int i = 0; i < 600 && member.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up(); i++) {
            Thread.sleep(100); // joined without any credential: the "secret only" setup lets it
        }
        Thread.sleep(2000); // the coordinator's proxy finds the singleton

        // half-open connections to the coordinator's blob server, from another address of this host
        List<java.net.Socket> halfOpen = new ArrayList<>();
        int greeted = 0;
        for (int i = 0; args.length > 3 && i < HALF_OPEN; i++) {
            java.net.Socket s = new java.net.Socket();
            s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(args[3])), 2000);
            s.setSoTimeout(1000);
            halfOpen.add(s);
            attempts.merge("half-open blob connections from one address", 1, Integer::sum);
        }
        for (java.net.Socket s : halfOpen) {
            try {
                if (s.getInputStream().read() >= 0) {
                    greeted++; // admitted to its opening (without TLS greeted at once), closed at the deadline
                }
            } catch (java.io.IOException closedOrSilent) {
                // refused on accept
            }
        }

        BlobRef blob = new BlobRef("127.0.0.1", 1, 1, 12);
        List<Supplier<CoordinatorProtocol.Command>> fromWorker = List.of(
                () -> new CoordinatorProtocol.WorkerReady(victim, 1, -1),
                () -> new CoordinatorProtocol.ContributionReady(victim, 1, 1, 1, List.of(0, 1), 0.1, StepMetrics.NONE, blob),
                () -> new CoordinatorProtocol.UpdateApplied(victim, 1, 0xBADL),
                () -> new CoordinatorProtocol.StateOffered(victim, "rogue", 1, blob),
                () -> new CoordinatorProtocol.SyncCompleted(victim, 1),
                () -> new CoordinatorProtocol.CheckpointSaved(victim, 1, "/tmp/x", 1, 1, ""),
                () -> new CoordinatorProtocol.CheckpointLoaded(victim, 1, "/tmp/x", ""),
                () -> new CoordinatorProtocol.TaskCompleted(victim, "final_eval", 1, "{}"),
                () -> new CoordinatorProtocol.WorkerFailed(victim, "lease", "forged"),
                // as a shard owner: an add "done", a mean "published" or "copied" (a forged one would poison replicas)
                () -> new CoordinatorProtocol.ShardAdded(victim, 1, 0, 0, 1, "", false, false),
                () -> new CoordinatorProtocol.ShardSealed(victim, 1, 0, 0, List.of(1L), blob, ""),
                () -> new CoordinatorProtocol.ShardMeanCopied(victim, 1, 0, 0, blob, ""));
        Session guessed = new Session(victim, randomKey(), false);
        for (var m : fromWorker) {
            send(attempts, "to coordinator, unsealed", coordinator, m.get());
            send(attempts, "to coordinator, sealed under a guessed key", coordinator, guessed.seal(m.get()));
            Sealed real = guessed.seal(m.get());
            byte[] body = new byte[real.body().length];
            RNG.nextBytes(body);
            send(attempts, "to coordinator, sealed garbage", coordinator, new Sealed(victim, real.counter() + 1000, true,
                    real.manifest(), body, real.mac(), m.get()));
        }
        String self = ActorRefResolver.get(system).toSerializationFormat(shell);
        ActorRef<WorkerProtocol.Command> fake = system.systemActorOf(Behaviors.ignore(), "rogue-worker",
                org.apache.pekko.actor.typed.Props.empty());
        send(attempts, "registration under a member's id", coordinator, new CoordinatorProtocol.RegisterWorker(victim,
                "cpu", 1L << 30, 1, fake, org.elasticscrl.protocol.ScrlMessageSerializer.PROTOCOL_VERSION, "", "", "k", true,
                List.of(), ClusterSecret.nonce()));
        // 64 Ki characters: within Artery's frame, far over what an id may be
        send(attempts, "registration with an oversized id", coordinator, new CoordinatorProtocol.RegisterWorker(
                "w".repeat(1 << 16), "cpu", 1, 1, fake, org.elasticscrl.protocol.ScrlMessageSerializer.PROTOCOL_VERSION, "",
                "", "k", true, List.of(), ""));
        for (String order : List.of("pause", "drain", "checkpoint", "resume")) {
            send(attempts, "operator order without the secret", coordinator,
                    new CoordinatorProtocol.Query(order, "0", shell));
            send(attempts, "operator order with a forged proof", coordinator, new CoordinatorProtocol.Query(order, "0",
                    shell, "00000000", "Zm9yZ2Vk", ClusterSecret.nonce(), System.currentTimeMillis()));
        }

        // an order an operator's shell (elsewhere) gave, captured on the wire: its proof binds that shell's ref
        Files.writeString(dir.resolve("reply-ref"), self);
        Path captured = dir.resolve("captured");
        for (int i = 0; i < 300 && !Files.exists(captured); i++) {
            Thread.sleep(100);
        }
        String[] q = Files.readString(captured).trim().split("\n");
        ActorRef<ShellProtocol.Command> operator = ActorRefResolver.get(system).resolveActorRef(q[6]);
        var order = new CoordinatorProtocol.Query(q[0], q[1], operator, q[2], q[3], q[4], Long.parseLong(q[5]));
        coordinator.tell(order); // the operator's own copy, as it arrived
        Thread.sleep(2000);
        send(attempts, "captured operator order replayed", coordinator, order);

        var listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                r -> Receptionist.find(WorkerProtocol.WORKERS, r), Duration.ofSeconds(5), system.scheduler())
                .toCompletableFuture().get();
        Set<ActorRef<WorkerProtocol.Command>> workers = listing.getServiceInstances(WorkerProtocol.WORKERS);
        for (ActorRef<WorkerProtocol.Command> w : workers) {
            List<WorkerProtocol.Command> toWorker = List.of(new WorkerProtocol.Lease(1, 1, 1, 0, List.of(0), 0),
                    new WorkerProtocol.Commit(1, 1, 0.1, 0.99, 0, 32, true, blob), new WorkerProtocol.Release("forged"),
                    new WorkerProtocol.RunTask("final_eval", 1), new WorkerProtocol.SaveCheckpoint(1, "{}", java.util.List.of()),
                    new WorkerProtocol.LoadCheckpoint(1, List.of("/tmp/x"), List.of("0"), List.of(0L), "rogue"), new WorkerProtocol.ProvideState("rogue"),
                    new WorkerProtocol.SyncFrom(1, blob), new WorkerProtocol.Resync("forged"),
                    new WorkerProtocol.AddToShard(1, 0, 0, 3, 1, blob, List.of(0)),
                    new WorkerProtocol.SealShard(1, 0, 0, List.of(1L), 1f),
                    new WorkerProtocol.CopyShardMean(1, 0, 0, blob));
            Session toGuess = new Session(victim, randomKey(), true);
            for (var m : toWorker) {
                send(attempts, "to a worker, unsealed", w, m);
                send(attempts, "to a worker, sealed under a guessed key", w, toGuess.seal(m));
            }
            send(attempts, "to a worker, a refusal without proof", w, new WorkerProtocol.Refused("forged", "Zm9yZ2Vk"));
            send(attempts, "to a worker, a resync with a forged proof", w,
                    new WorkerProtocol.Resync("forged", System.currentTimeMillis(), "Zm9yZ2Vk"));
            send(attempts, "to a worker, a Welcome with a forged proof", w,
                    new WorkerProtocol.Welcome("run", "a: 1\n", 1, 0, ClusterSecret.nonce(), "Zm9yZ2Vk"));
        }
        Thread.sleep(3000);
        // having proven nothing, it should be downed by the coordinator's gatekeeper; it reports at once (its
        // system's shutdown after that can take tens of seconds, while the run goes on)
        boolean downed = false;
        for (int i = 0; i < 1200 && !downed; i++) {
            var status = member.selfMember().status();
            downed = status == org.apache.pekko.cluster.MemberStatus.down()
                    || status == org.apache.pekko.cluster.MemberStatus.removed()
                    || system.getWhenTerminated().toCompletableFuture().isDone();
            if (!downed) {
                Thread.sleep(100);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("downed", downed);
        out.put("member_for_seconds", (System.nanoTime() - start) / 1_000_000_000L);
        out.put("attempts", attempts);
        out.put("workers_found", workers.size());
        out.put("blob_greeted", greeted);
        for (java.net.Socket h : halfOpen) {
            h.close();
        }
        synchronized (answers) {
            out.put("answers_ok", answers.stream().filter(a -> a instanceof ShellProtocol.Answer x && x.ok()).count());
            out.put("answers", answers.size());
        }
        System.out.println("ROGUE " + new ObjectMapper().writeValueAsString(out));
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get();
        System.exit(0);
    }

    private static <T> void send(Map<String, Integer> attempts, String kind, ActorRef<T> to, WireMessage m) {
        @SuppressWarnings("unchecked")
        T message = (T) m;
        to.tell(message);
        attempts.merge(kind, 1, Integer::sum);
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        RNG.nextBytes(k);
        return k;
    }
}
