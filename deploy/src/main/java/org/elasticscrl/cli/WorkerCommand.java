package org.elasticscrl.cli;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.node.ClusterNodes;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy;
import org.elasticscrl.protocol.TensorTransport;
import org.elasticscrl.worker.KeptReplica;
import org.elasticscrl.worker.WorkerActor;
import org.elasticscrl.worker.WorkerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scrl worker --join host:port [--device cpu|gpu:N] [--threads N] [--kernels deterministic|fastest]}:
 * a worker node. Its JVM computes with the kernels asked for and writes fatal-error reports into its crash
 * directory; started without either, it starts itself again with both ({@link ComputeJvm}).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Join a run's cluster as a worker; it may join or leave while the run goes on.")
final class WorkerCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--join", required = true, description = "The coordinator's cluster address host:port (several, comma-separated: with standbys).")
    String join;

    @Option(names = "--bind", defaultValue = "127.0.0.1:0", description = "This node's address (port 0: any).")
    String bind;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--loader-threads", defaultValue = "2", description = "Data loading threads.")
    int loaderThreads;

    @Option(names = "--memory", defaultValue = "8g", description = "Memory budget for leases, e.g. 8g, 512m.")
    String memory;

    @Option(names = "--throttle", defaultValue = "1.0", description = "Run at this fraction of full speed (heterogeneity tests).")
    double throttle;

    @Option(names = "--simulate", paramLabel = "P:SECONDS[:STATE]", description = "Measure the cluster, not the model:"
            + " a replica that does not learn, each chunk taking SECONDS and contributing a deterministic pseudo-gradient"
            + " of P floats (its state STATE floats, 65536 by default). Benchmarks only.")
    String simulate;

    @Option(names = "--simulated-workers", defaultValue = "1", paramLabel = "K", description = "With --simulate: K"
            + " simulated workers in this JVM, each a cluster node with its own tensor transport, named ID-0 to ID-(K-1)"
            + " (30+ workers on a small machine). Benchmarks only.")
    int simulatedWorkers;

    @Option(names = "--hosted", description = "With --simulate: start no worker; read 'start ID' and 'kill ID' lines on"
            + " standard input, starting a simulated worker node named ID in this JVM or killing one (its transport"
            + " closed, its node gone without leaving, as a machine that lost its power). Benchmarks only.")
    boolean hosted;

    @Option(names = "--id", description = "Worker id (default: host-pid).")
    String id;

    @Option(names = "--checkpoint-dir", description = "Where this worker writes its durable checkpoint copies"
            + " (default: <save_dir>/copies/<id>; give a local disk or a shared volume).")
    String checkpointDir;

    @Option(names = "--kernels", defaultValue = "deterministic", description = "Native kernels: deterministic"
            + " (oneDNN at AVX2 at most; what a run with train.deterministic: true admits) or fastest (oneDNN's own"
            + " choice; not guaranteed run-to-run deterministic). Default: ${DEFAULT-VALUE}.")
    String kernels;

    @Option(names = "--crash-dir", description = "Where this worker's JVM writes fatal-error reports, read again by its"
            + " next JVM and shown to the operator (default: <checkpoint-dir>/crashes, else <tmp>/scrl-crashes/<id>;"
            + " give a stable --id and a lasting directory so that a crash loop is recognised).")
    Path crashDir;

    @Option(names = "--poison", defaultValue = "none", hidden = true, description = "Fault injection (scrl chaos):"
            + " every contribution is wrong — nan, samples (more than its chunks hold) or layout (a value too many);"
            + " the coordinator must refuse each and quarantine this worker.")
    String poison;

    @Option(names = "--disk-fault", defaultValue = "none", hidden = true, description = "Fault injection (scrl chaos):"
            + " this worker's durable checkpoint copies fail — full (every write fails as on a full disk) or power-cut"
            + " (the JVM stops dead between a copy's temporary write and its rename).")
    String diskFault;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Mixin
    TensorOptions tensorOptions = new TensorOptions();

    @Option(names = "--management-port", defaultValue = "0",
            description = "Pekko Management's cluster HTTP endpoints, e.g. 8558 (0: off, the default).")
    int managementPort;

    @Override
    public Integer call() throws Exception {
        String[] hp = ClusterNodes.hostPort(bind, "--bind");
        for (String seed : join.split(",")) {
            ClusterNodes.hostPort(seed.trim(), "--join");
        }
        KernelPolicy.Choice choice = switch (kernels) {
            case "deterministic" -> KernelPolicy.Choice.DETERMINISTIC;
            case "fastest" -> KernelPolicy.Choice.FASTEST;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--kernels: '" + kernels + "' is not deterministic or fastest");
        };
        org.elasticscrl.worker.Poison injected;
        org.elasticscrl.worker.DiskFault disk;
        org.elasticscrl.worker.SimulatedReplica.Settings simulation;
        try {
            injected = org.elasticscrl.worker.Poison.of(poison);
            disk = org.elasticscrl.worker.DiskFault.of(diskFault);
            simulation = simulate == null ? null : org.elasticscrl.worker.SimulatedReplica.Settings.parse(simulate);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        if (simulatedWorkers < 1 || ((simulatedWorkers > 1 || hosted) && (simulation == null || !hp[1].equals("0")
                || managementPort != 0 || tensorOptions.port != 0 || tensorOptions.advertise != null))) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), (hosted ? "--hosted"
                    : "--simulated-workers " + simulatedWorkers) + " needs --simulate, a --bind port of 0 and neither"
                    + " --management-port, --tensors-port nor --tensors-advertise (each worker picks its own ports)");
        }
        var secured = security.resolve();
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        String workerId = id != null ? id : InetAddress.getLocalHost().getHostName() + "-" + ComputeJvm.operatorPid();
        if (!workerId.matches(org.elasticscrl.protocol.WireLimits.ID_PATTERN)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--id: '" + workerId
                    + "' is not 1-128 letters, digits, '.', '_', '-', ':' or '@'");
        }
        Path crashes = crashDir != null ? crashDir : checkpointDir != null ? Path.of(checkpointDir, "crashes")
                : Path.of(System.getProperty("java.io.tmpdir"), "scrl-crashes", workerId.replaceAll("[^A-Za-z0-9._-]", "_"));
        Files.createDirectories(crashes);
        KernelPolicy.Decision used = ComputeJvm.relaunchIfNeeded(choice, List.of(ComputeJvm.errorFileFlag(crashes)));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        java.util.function.Function<String, WorkerSettings> settingsOf = wid -> new WorkerSettings(wid, device,
                bytes(memory), n, loaderThreads, throttle, SecurityOptions.secret(secured), checkpointDir,
                used.describe(), used.deterministic(), crashes, injected, disk, simulation);
        if (simulatedWorkers == 1 && !hosted) {
            runWorker(settingsOf.apply(workerId), hp, secured, "", new CompletableFuture<>(), new CompletableFuture<>());
            return 0;
        }
        // each simulated worker is a node of its own (joins, leaves, is downed alone); they share only the JVM, and
        // a trimmed actor system each (two dispatcher threads, no JMX bean: one per JVM) keeps K of them light
        String trimmed = "pekko.cluster.jmx.enabled = off\n"
                + "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = 2\n"
                + "pekko.actor.internal-dispatcher.fork-join-executor.parallelism-max = 2\n";
        if (hosted) { // a killed node ends its actor system without the coordinated shutdown that would leave the cluster
            String killable = trimmed + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off\n";
            return new HostedWorkers((wid, kill, up) -> runWorker(settingsOf.apply(wid), hp, secured, killable, kill, up))
                    .serve(new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                            java.nio.charset.StandardCharsets.UTF_8)));
        }
        List<Thread> nodes = new java.util.ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int k = 0; k < simulatedWorkers; k++) {
            WorkerSettings s = settingsOf.apply(workerId + "-" + k);
            Thread t = new Thread(() -> {
                try {
                    runWorker(s, hp, secured, trimmed, new CompletableFuture<>(), new CompletableFuture<>());
                } catch (Exception | Error e) {
                    System.err.println("worker " + s.workerId() + " ended with an error: " + e);
                    failures.add(e);
                }
            }, "simulated-" + s.workerId());
            t.start();
            nodes.add(t);
        }
        for (Thread t : nodes) {
            t.join();
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * One worker node, until it leaves or gives up rejoining; {@code extraConfig}: HOCON laid over its actor system's;
     * {@code kill} completed: the node dies at once (its transport closed, its actor system stopped, no rejoin);
     * {@code up} is completed once its first actor system has started.
     */
    private void runWorker(WorkerSettings settings, String[] hp, NodeSecurity secured, String extraConfig,
            CompletableFuture<Void> kill, CompletableFuture<Void> up) throws Exception {
        String workerId = settings.workerId();
        ExecutorService replicaThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "scrl-replica"));
        TensorTransport tensors = tensorOptions.start(hp[0], "f32", secured);
        System.err.println("worker " + workerId + " (" + device + ", " + settings.threads() + " threads, "
                + settings.kernels() + ") joining " + join + " (" + SecurityOptions.describe(secured) + ")");
        KeptReplica kept = new KeptReplica();
        List<ActorSystem<Object>> ended = new java.util.ArrayList<>();
        for (int incarnation = 0; ; incarnation++) {
            kept.newIncarnation();
            AtomicBoolean stopped = new AtomicBoolean();
            CompletableFuture<Object> downed = new CompletableFuture<>();
            var config = ClusterNodes.config(hp[0], Integer.parseInt(hp[1]), List.of(ClusterNodes.WORKER_ROLE), join,
                    secured);
            // a downed node ends its actor system, not the JVM: the loop below decides; a rejoining one gives up
            // when no seed node takes it in, or no coordinator welcomes it (the run is over)
            config = ConfigFactory.parseString(extraConfig + "pekko.coordinated-shutdown.exit-jvm = off" + (incarnation == 0 ? ""
                    : "\npekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = " + REJOIN_PATIENCE_S + "s"))
                    .withFallback(config);
            ActorSystem<Object> system = ActorSystem.create(Behaviors.setup(ctx -> {
                var coordinator = ClusterNodes.coordinatorProxy(ctx.getSystem());
                var worker = ctx.spawn(WorkerActor.create(settings, coordinator, tensors, replicaThread, kept, () -> {
                    stopped.set(true);
                    ctx.getSystem().terminate();
                }), "worker");
                // downed: the worker stops at once (its replica kept), not when the node's shutdown ends seconds later
                var self = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()).selfMember().uniqueAddress();
                org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()).subscriptions().tell(
                        org.apache.pekko.cluster.typed.Subscribe.create(ctx.getSelf().narrow(),
                                org.apache.pekko.cluster.ClusterEvent.MemberDowned.class));
                ctx.watch(worker);
                return Behaviors.receive(Object.class)
                        .onMessage(org.apache.pekko.cluster.ClusterEvent.MemberDowned.class, e -> {
                            if (e.member().uniqueAddress().equals(self)) {
                                ctx.stop(worker); // its PostStop hands the replica over (after the job under way)
                            }
                            return Behaviors.same();
                        })
                        .onSignal(org.apache.pekko.actor.typed.Terminated.class, t -> {
                            downed.complete(t);
                            return Behaviors.same();
                        }).build();
            }), ClusterNodes.SYSTEM, management().management(config, hp[0]));
            management().startManagement(system);
            up.complete(null);
            kill.thenRun(() -> {
                tensors.close(); // first, as a dead machine's connections are: its peers' fetches fail now
                system.terminate();
            });
            if (incarnation > 0) { // back too late (the run over, its coordinators gone): the JVM ends
                system.scheduler().scheduleOnce(java.time.Duration.ofSeconds(REJOIN_PATIENCE_S), () -> {
                    if (!kept.welcomed()) {
                        System.err.println("worker " + workerId + ": no coordinator welcomed it back within "
                                + REJOIN_PATIENCE_S + " s");
                        system.terminate();
                    }
                }, system.executionContext());
            }
            // the worker actor stopped (downed) or the node ended: the next incarnation may start while this one's
            // shutdown runs its course (seconds)
            CompletableFuture.anyOf(system.getWhenTerminated().toCompletableFuture(), downed).join();
            ended.add(system);
            replicaThread.submit(() -> { }).get(); // the replica is kept once the job under way is done
            boolean welcomed = kept.welcomed();
            // stopped by a SIGTERM (the JVM's shutdown hook ends the node): leaving on purpose, no rejoin
            boolean jvmExits = org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason()
                    .filter(r -> r == org.apache.pekko.actor.CoordinatedShutdown.jvmExitReason()).isPresent();
            if (kill.isDone()) {
                break;
            }
            if (stopped.get() || jvmExits || !kept.holds() || (incarnation > 0 && !welcomed) || incarnation >= MAX_REJOINS) {
                if (kept.holds() && !jvmExits) {
                    System.err.println("worker " + workerId + " was downed by the cluster and does not rejoin ("
                            + (incarnation >= MAX_REJOINS ? MAX_REJOINS + " rejoins already" : "no run took it in again")
                            + ")");
                }
                break;
            }
            System.err.println("worker " + workerId + " was downed by the cluster: rejoining as a new node with its"
                    + " replica (" + (incarnation + 1) + " of at most " + MAX_REJOINS + ")");
            Thread.sleep(1000L * (incarnation + 1));
        }
        for (ActorSystem<Object> s : ended) {
            s.getWhenTerminated().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        kept.close();
        replicaThread.shutdown();
        tensors.close();
    }

    /** Rejoins of one worker JVM after being downed; a rejoin that no coordinator welcomes ends it. */
    static final int MAX_REJOINS = 10;
    /** How long a rejoining node waits to be welcomed by a coordinator before it gives up. */
    static final int REJOIN_PATIENCE_S = 30;

    private Observability management() {
        Observability o = new Observability();
        o.managementPort = managementPort;
        return o;
    }

    static long bytes(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return (long) (Double.parseDouble(digits) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--memory: '" + text + "' is not a size like 8g or 512m");
        }
    }
}
