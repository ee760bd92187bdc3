package org.elasticscrl.it;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.event.EventStream;
import org.apache.pekko.remote.FailureDetector;
import org.apache.pekko.remote.PhiAccrualFailureDetector;

/**
 * Pekko's failure detector, deaf while the file named by {@code -Dscrl.it.deaf-file} exists: every node this
 * one monitors but the first is then reported unavailable, while they all still hear it — a node whose inbound
 * path is lost but for one peer, and the records a worker woken from a pause leaves behind when it is frozen
 * again before they clear. One peer stays heard because a node gossips only to the peers it hears: through it,
 * the marks reach the cluster (Pekko creates one detector per monitored node, the first for the first heard).
 * Set with {@code -Dpekko.cluster.failure-detector.implementation-class=org.elasticscrl.it.DeafFailureDetector}.
 */
public final class DeafFailureDetector implements FailureDetector {
    private static final java.util.concurrent.atomic.AtomicInteger CREATED = new java.util.concurrent.atomic.AtomicInteger();

    private final PhiAccrualFailureDetector heard;
    private final Path deafWhile = Path.of(System.getProperty("scrl.it.deaf-file"));
    private final boolean alwaysHeard = CREATED.getAndIncrement() == 0;

    public DeafFailureDetector(Config config, EventStream eventStream) {
        this.heard = new PhiAccrualFailureDetector(config, eventStream);
    }

    @Override
    public boolean isAvailable() {
        return (alwaysHeard || !Files.exists(deafWhile)) && heard.isAvailable();
    }

    @Override
    public boolean isMonitoring() {
        return heard.isMonitoring();
    }

    @Override
    public void heartbeat() {
        heard.heartbeat();
    }
}
