package org.elasticscrl.cli;

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
import org.elasticscrl.protocol.TensorTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code scrl coordinator --config … [--bind host:port]}: the node that hosts the coordinator. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Start the coordinator of an elastic training run; workers join it with `scrl worker --join`.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Preset or YAML file.")
    String config;

    @Option(names = "--bind", defaultValue = "127.0.0.1:25520", description = "Cluster address (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/ is created.")
    Path topDir;

    @Option(names = "--join", description = "Join the cluster of the coordinator at host:port as a standby: it takes"
            + " over the run if that one dies (give both the same --config and --save_dir).")
    String join;

    @Option(names = "--leave-at", description = "STEP[:WORKER]: drain a worker (index in join order, default 0) at a step.")
    List<String> leaveAt = new ArrayList<>();

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
        var secured = security.resolve();
        Prepared run = prepare(config, overrides, topDir);
        Map<Long, List<String>> drains = drains(leaveAt);
        CompletableFuture<Coordinator.Finished> done = new CompletableFuture<>();
        if (join != null) {
            ClusterNodes.hostPort(join, "--join");
        }
        TensorTransport tensors = tensorOptions.start(hp[0], run.cfg().cluster().wireDtype(), secured);
        // opened when the coordinator runs here: a standby reads the files as they are when it takes over
        AtomicReference<RunFiles> files = new AtomicReference<>();
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        var metrics = new org.elasticscrl.coordinator.ClusterMetrics(registry);
        var metricsServer = observability.metrics(registry);
        System.err.println((join == null ? "coordinator" : "standby coordinator") + " of " + run.dir() + " at " + bind
                + " (" + SecurityOptions.describe(secured) + "); workers: scrl worker --join " + (join == null ? bind : join));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            var proxy = ClusterNodes.coordinator(ctx.getSystem(), Behaviors.setup(c -> {
                files.set(new RunFiles(run.dir().path()));
                return Coordinator.create(new Coordinator.Setup(run.cfg(), run.yaml(),
                        run.dir().path().getFileName().toString(), files.get(), tensors, drains, done::complete,
                        SecurityOptions.secret(secured), metrics));
            }));
            // a standby proves the secret to the active coordinator's gatekeeper (the active one is itself)
            org.elasticscrl.node.NodeProof.start(ctx.getSystem(), proxy, SecurityOptions.secret(secured));
            return Behaviors.empty();
        }), ClusterNodes.SYSTEM, observability.management(ClusterNodes.config(hp[0], Integer.parseInt(hp[1]),
                List.of(ClusterNodes.COORDINATOR_ROLE), join == null ? bind : join, secured), hp[0]));
        observability.startManagement(system);
        org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                .registerOnMemberUp(() -> System.err.println("coordinator node " + bind + " " + MEMBER_UP));
        Coordinator.Finished f = done.join();
        Thread.sleep(1000); // let the releases reach the workers
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        if (files.get() != null) {
            files.get().close();
        }
        tensors.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (!f.error().isEmpty()) {
            System.err.println("scrl coordinator: " + f.error());
            return 2;
        }
        System.out.println("run complete: " + f.steps() + " steps");
        System.out.print(ClusterResults.table(run.dir().path()));
        return 0;
    }

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
