package org.elasticscrl.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;
import picocli.CommandLine.Option;

/**
 * A node's HTTP endpoints for operators: Prometheus metrics ({@code /metrics}) and Pekko
 * Management's cluster routes ({@code /cluster/members}, {@code /ready}, {@code /alive}). Ports 0
 * turn them off; a port already taken (two nodes on one machine) is reported and skipped, never
 * fatal — the node still trains.
 */
final class Observability {
    @Option(names = "--metrics-port", defaultValue = "9095",
            description = "Prometheus metrics at http://HOST:PORT/metrics (0: off; default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--metrics-bind", defaultValue = "127.0.0.1", description = "Address the metrics endpoint listens"
            + " on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for a scraper elsewhere).")
    String metricsBind;

    @Option(names = "--management-port", defaultValue = "0",
            description = "Pekko Management's cluster HTTP endpoints, e.g. 8558 (0: off, the default).")
    int managementPort;

    /** The node's configuration with Pekko Management bound to {@code host}:{@code --management-port}. */
    Config management(Config base, String host) {
        return ConfigFactory.parseMap(Map.of("pekko.management.http.hostname", host,
                "pekko.management.http.port", managementPort)).withFallback(base);
    }

    void startManagement(ActorSystem<?> system) {
        if (managementPort > 0) {
            PekkoManagement.get(system).start().whenComplete((uri, e) -> System.err.println(e == null
                    ? "cluster management endpoints at " + uri + "/cluster/members"
                    : "--management-port " + managementPort + ": not started (" + e.getMessage() + ")"));
        }
    }

    /** Serves {@code registry} on {@code --metrics-port}; null when off or the port is taken. */
    HTTPServer metrics(PrometheusRegistry registry) {
        if (metricsPort <= 0) {
            return null;
        }
        try {
            HTTPServer server = HTTPServer.builder().hostname(metricsBind).port(metricsPort).registry(registry)
                    .buildAndStart();
            System.err.println("metrics at http://" + metricsBind + ":" + server.getPort() + "/metrics");
            return server;
        } catch (IOException e) {
            System.err.println("--metrics-port " + metricsPort + ": not serving metrics (" + e.getMessage()
                    + "); give another port");
            return null;
        }
    }
}
