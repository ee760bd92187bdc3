package org.elasticscrl.coordinator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The coordinator's Prometheus metrics: the run's position and schedules, the last step's time
 * split (compute / transfer / wait) and aggregation time, per-worker throughput, and counters of
 * commits, re-leased chunks and membership changes. The HTTP endpoint that serves them is the
 * node's ({@code scrl coordinator --metrics-port}); this only keeps the values.
 */
public final class ClusterMetrics {
    private final PrometheusRegistry registry;
    private final Gauge step;
    private final Gauge epoch;
    private final Gauge loss;
    private final Gauge lr;
    private final Gauge tau;
    private final Gauge stepSeconds;
    private final Gauge aggregationSeconds;
    private final Gauge workerSpeed;
    private final Gauge paused;
    private final Counter commits;
    private final Counter released;
    private final Counter membership;
    private final java.util.concurrent.atomic.AtomicLong releasedTotal = new java.util.concurrent.atomic.AtomicLong();

    /** Metrics kept but not exported (tests, and nodes without an endpoint). */
    public ClusterMetrics() {
        this(new PrometheusRegistry());
    }

    public ClusterMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        step = Gauge.builder().name("scrl_committed_step").help("last committed global step").register(registry);
        epoch = Gauge.builder().name("scrl_epoch").help("epoch of the last committed step").register(registry);
        loss = Gauge.builder().name("scrl_loss").help("SSL loss of the last committed step").register(registry);
        lr = Gauge.builder().name("scrl_lr").help("learning rate of the last committed step").register(registry);
        tau = Gauge.builder().name("scrl_tau").help("EMA tau of the last committed step").register(registry);
        stepSeconds = Gauge.builder().name("scrl_step_seconds").labelNames("part")
                .help("the last step's time: total, and its compute / transfer / wait parts").register(registry);
        aggregationSeconds = Gauge.builder().name("scrl_aggregation_seconds")
                .help("time to average the last step's contributions and publish the update").register(registry);
        workerSpeed = Gauge.builder().name("scrl_worker_samples_per_second").labelNames("worker")
                .help("each worker's measured throughput (moving average)").register(registry);
        paused = Gauge.builder().name("scrl_paused").help("1 while an operator has paused the run").register(registry);
        commits = Counter.builder().name("scrl_commits").help("steps committed by this coordinator").register(registry);
        released = Counter.builder().name("scrl_released_chunks")
                .help("chunks leased again (deadline missed, worker gone, transfer failed)").register(registry);
        membership = Counter.builder().name("scrl_membership_changes")
                .help("workers joining, leaving, failing").register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    void committed(long s, int e, double l, double rate, double t, StepTimes.Split split, double aggregation) {
        step.set(s);
        epoch.set(e);
        loss.set(l);
        lr.set(rate);
        tau.set(t);
        stepSeconds.labelValues("total").set(split.total());
        stepSeconds.labelValues("compute").set(split.compute());
        stepSeconds.labelValues("transfer").set(split.transfer());
        stepSeconds.labelValues("wait").set(split.waiting());
        aggregationSeconds.set(aggregation);
        commits.inc();
    }

    void released(int chunks) {
        released.inc(chunks);
        releasedTotal.addAndGet(chunks);
    }

    long releasedTotal() {
        return releasedTotal.get();
    }

    void membershipChanged() {
        membership.inc();
    }

    void workerSpeed(String worker, double samplesPerSecond) {
        workerSpeed.labelValues(worker).set(samplesPerSecond);
    }

    void workerGone(String worker) {
        workerSpeed.remove(worker);
    }

    void paused(boolean p) {
        paused.set(p ? 1 : 0);
    }
}
