package org.elasticscrl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.coordinator.Coordinator;
import org.elasticscrl.coordinator.RunFiles;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.node.ClusterNodes;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.TensorTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code scrl coordinator --config … [--bind host:port]}: the node that hosts the coordinator. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Start the coordinator of an elastic training run; workers join it with `scrl worker --join`.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Preset or YAML file (a standby may leave it out: it takes the active"
            + " run's).")
    String config;

    @Option(names = "--bind", defaultValue = "127.0.0.1:25520", description = "Cluster address (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/ is created.")
    Path topDir;

    @Option(names = "--join", description = "Join the cluster of the coordinator at host:port as a standby: it takes"
            + " over the run if that one dies. It adopts the active run's id, directory and configuration (a --config or"
            + " --save_dir that contradicts them is refused).")
    String join;

    @Option(names = "--leave-at", description = "STEP[:WORKER]: drain a worker (index in join order, default 0) at a step.")
    List<String> leaveAt = new ArrayList<>();

    @Option(names = "--cut-off-while", hidden = true, description = "Fault injection (scrl chaos): while this file"
            + " exists, the run state's stores fail as if this node were cut off from the other coordinator nodes.")
    Path cutOffWhile;

    @Option(names = "--operator-port", defaultValue = "9096", description = "Answer operators' questions (scrl status"
            + " and the like) over HTTP on this port, about a second instead of joining the cluster (0: off; default:"
            + " ${DEFAULT-VALUE}; taken: reported, and the commands join).")
    int operatorPort;

    @Option(names = "--operator-bind", defaultValue = "127.0.0.1", description = "Address the operator endpoint listens"
            + " on (default: ${DEFAULT-VALUE}, this machine only: answers and orders travel unencrypted).")
    String operatorBind;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Mixin
    TensorOptions tensorOptions = new TensorOptions();

    @Mixin
    Observability observability = new Observability();

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String[] hp = ClusterNodes.hostPort(bind, "--bind");
        if (config == null && join == null) {
            System.err.println("scrl coordinator: --config is required (only a standby, started with --join, takes the"
                    + " active run's)");
            return 2;
        }
        var secured = security.resolve();
        Map<Long, List<String>> drains = drains(leaveAt);
        CompletableFuture<Coordinator.Finished> done = new CompletableFuture<>();
        if (join != null) {
            ClusterNodes.hostPort(join, "--join");
        }
        NodeRun run = new NodeRun(hp[0], secured);
        if (join == null) {
            run.hosting(); // the active coordinator: its configuration checked, its directory made, before anything
        }
        // opened when the coordinator runs here: a standby reads the files as they are when it takes over
        AtomicReference<RunFiles> files = new AtomicReference<>();
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        var metrics = new org.elasticscrl.coordinator.ClusterMetrics(registry);
        var metricsServer = observability.metrics(registry);
        var proxyRef = new CompletableFuture<org.apache.pekko.actor.typed.ActorRef<CoordinatorProtocol.Command>>();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            var proxy = ClusterNodes.coordinator(ctx.getSystem(), Behaviors.setup(c -> {
                Prepared r = run.hosting();
                if (r == null) {
                    done.complete(new Coordinator.Finished(0, "", "this node hosts the coordinator before an active one"
                            + " named its run, and it was given no --config to run one of its own"));
                    return Behaviors.stopped();
                }
                files.set(new RunFiles(r.dir().path()));
                return Coordinator.create(new Coordinator.Setup(r.cfg(), r.yaml(),
                        r.dir().path().getFileName().toString(), files.get(), run.tensors(), drains, done::complete,
                        SecurityOptions.secret(secured), metrics), () -> cutOffWhile == null || !Files.exists(cutOffWhile));
            }));
            // a standby proves the secret to the active coordinator's gatekeeper (the active one is itself)
            org.elasticscrl.node.NodeProof.start(ctx.getSystem(), proxy, SecurityOptions.secret(secured));
            proxyRef.complete(proxy);
            return Behaviors.empty();
        }), ClusterNodes.SYSTEM, observability.management(ClusterNodes.config(hp[0], Integer.parseInt(hp[1]),
                List.of(ClusterNodes.COORDINATOR_ROLE), join == null ? bind : join, secured), hp[0]));
        observability.startManagement(system);
        OperatorEndpoint operators = operatorPort <= 0 ? null : OperatorEndpoint.start(system, proxyRef.join(),
                SecurityOptions.secret(secured), operatorBind, operatorPort, bind);
        if (operators != null) {
            System.err.println("operators' questions at http://" + operatorBind + ":" + operators.port() + "/query");
        }
        org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                .registerOnMemberUp(() -> System.err.println("coordinator node " + bind + " " + MEMBER_UP));
        if (join != null) {
            try {
                run.adopt(StandbyRun.adopt(StandbyRun.ask(system, proxyRef.join(), SecurityOptions.secret(secured), join,
                        STANDBY_PATIENCE), config, overrides));
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("scrl coordinator: " + e.getMessage());
                return CANNOT_RUN;
            }
        }
        System.err.println((run.hosts() ? "coordinator" : "standby coordinator") + " of " + run.run().dir() + " at "
                + bind + " (" + SecurityOptions.describe(secured) + "); workers: scrl worker --join "
                + (join == null ? bind : join));
        Coordinator.Finished f = done.join();
        if (!f.error().isEmpty()) {
            System.err.println("scrl coordinator: " + f.error());
            if (files.get() != null) {
                files.get().close();
            }
            return CANNOT_RUN;
        }
        Thread.sleep(1000); // let the releases reach the workers
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        if (files.get() != null) {
            files.get().close();
        }
        run.tensors().close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (operators != null) {
            operators.close();
        }
        System.out.println("run complete: " + f.steps() + " steps");
        System.out.print(ClusterResults.table(run.run().dir().path()));
        return 0;
    }

    /**
     * The exit code of a coordinator that cannot run, returned without terminating the actor system: its
     * coordinated shutdown ({@code exit-jvm = on}, so that a downed node exits) would call
     * {@code System.exit(0)} first. {@code main}'s {@code System.exit} runs the shutdown hook instead —
     * which leaves the cluster without exiting again — and keeps this code.
     */
    private static final int CANNOT_RUN = 2;

    /**
     * The run this node coordinates, and its tensor transport, set once: the one the active coordinator runs
     * (a standby learns it), or — when this node hosts the coordinator before any active one named a run
     * (the first node of the cluster, every seed started alike) — its own configuration's.
     */
    private final class NodeRun {
        private final String host;
        private final org.elasticscrl.config.NodeSecurity secured;
        private Prepared run;
        private TensorTransport tensors;
        private boolean hosts;

        NodeRun(String host, org.elasticscrl.config.NodeSecurity secured) {
            this.host = host;
            this.secured = secured;
        }

        /** This node hosts the coordinator: the run it learned, else its own (null: it was given no --config). */
        synchronized Prepared hosting() throws Exception {
            hosts = true;
            if (run == null && config != null) {
                set(prepare(config, overrides, topDir));
            }
            return run;
        }

        /** The active coordinator's run, learned by a standby (if this node hosts it, that is its own already). */
        synchronized void adopt(Prepared active) {
            if (run == null) {
                set(active);
            }
        }

        private void set(Prepared p) {
            run = p;
            tensors = tensorOptions.start(host, p.cfg().cluster().wireDtype(), secured);
        }

        synchronized Prepared run() {
            return run;
        }

        /** Whether the coordinator runs on this node (else it stands by). */
        synchronized boolean hosts() {
            return hosts;
        }

        synchronized TensorTransport tensors() {
            return tensors;
        }
    }

    /** How long a standby waits for the active coordinator to name its run. */
    private static final java.time.Duration STANDBY_PATIENCE = java.time.Duration.ofSeconds(120);

    /** What a coordinator node prints once it is a member of the cluster (scrl chaos waits for it). */
    static final String MEMBER_UP = "is a member of the cluster";

    /** A run's directory and resolved configuration (save_dir pointing at it, for the workers). */
    record Prepared(RunDirectory dir, ScrlConfig cfg, String yaml) {}

    static Prepared prepare(String config, List<String> overrides, Path top) throws Exception {
        ScrlConfig first = ConfigLoader.load(config, overrides);
        RunDirectory dir = first.saveDir() != null ? RunDirectory.at(Path.of(first.saveDir()))
                : RunDirectory.createNext(top, RunDirectory.configName(config));
        List<String> all = new ArrayList<>(overrides);
        all.add("--save_dir=" + dir.path().toAbsolutePath());
        ScrlConfig cfg = ConfigLoader.load(config, all);
        String yaml = ConfigLoader.toYaml(cfg);
        dir.writeConfig(yaml);
        return new Prepared(dir, cfg, yaml);
    }

    static Map<Long, List<String>> drains(List<String> specs) {
        Map<Long, List<String>> out = new HashMap<>();
        for (String s : specs) {
            String[] p = s.split(":", 2);
            try {
                out.computeIfAbsent(Long.parseLong(p[0]), k -> new ArrayList<>()).add(p.length > 1 ? p[1] : "0");
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--leave-at: '" + s + "' is not STEP[:WORKER]");
            }
        }
        return out;
    }
}
