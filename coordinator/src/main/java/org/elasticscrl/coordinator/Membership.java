package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workers of a run and what each may do: preparing (building its replica), syncing (loading a
 * peer's state, catching up), active, draining. The membership epoch counts changes of the set of
 * workers that take leases; leases and contributions carry it. Speeds are EWMAs of measured
 * samples per second. {@code R} is the worker's address (an actor ref in the coordinator).
 */
public final class Membership<R> {
    public enum Status { PREPARING, SYNCING, ACTIVE, DRAINING }

    /** One worker as the coordinator sees it. */
    public static final class Worker<R> {
        public final String id;
        public final R ref;
        public final String device;
        public final long memoryBytes;
        public final int threads;
        private Status status = Status.PREPARING;
        private String kernels = "";
        private double speed;
        private String task;
        private long lease;
        private long lastLeasedStep = -1;

        Worker(String id, R ref, String device, long memoryBytes, int threads) {
            this.id = id;
            this.ref = ref;
            this.device = device;
            this.memoryBytes = memoryBytes;
            this.threads = threads;
        }

        public Status status() {
            return status;
        }

        /** The native kernels it computes with, as it describes them ("" unknown). */
        public String kernels() {
            return kernels;
        }

        /** Sets what {@link #kernels} returns; this worker, for chaining. */
        public Worker<R> kernels(String description) {
            this.kernels = description;
            return this;
        }

        /** Samples per second (EWMA), 0 before the first measurement. */
        public double speed() {
            return speed;
        }

        /** The task it runs between steps, or null. */
        public String task() {
            return task;
        }

        /** Its outstanding lease, or 0. */
        public long lease() {
            return lease;
        }

        /** The last step it was leased chunks of, −1 before its first lease. */
        public long lastLeasedStep() {
            return lastLeasedStep;
        }
    }

    private final double ewma;
    private final Map<String, Worker<R>> workers = new LinkedHashMap<>();
    private int epoch;

    /** @param ewma weight of a new speed measurement (0 < ewma <= 1) */
    public Membership(double ewma) {
        if (!(ewma > 0 && ewma <= 1)) {
            throw new IllegalArgumentException("speed EWMA weight must be in (0, 1], got " + ewma);
        }
        this.ewma = ewma;
    }

    public int epoch() {
        return epoch;
    }

    /** A coordinator taking over continues the membership epochs after {@code previous}. */
    public void continueAfter(int previous) {
        epoch = Math.max(epoch, previous + 1);
    }

    public Worker<R> add(String id, R ref, String device, long memoryBytes, int threads) {
        if (workers.containsKey(id)) {
            throw new IllegalStateException("worker " + id + " is already registered");
        }
        Worker<R> w = new Worker<>(id, ref, device, memoryBytes, threads);
        workers.put(id, w);
        return w;
    }

    public Optional<Worker<R>> get(String id) {
        return Optional.ofNullable(workers.get(id));
    }

    public Optional<Worker<R>> byRef(R ref) {
        return workers.values().stream().filter(w -> w.ref.equals(ref)).findFirst();
    }

    public List<Worker<R>> all() {
        return List.copyOf(workers.values());
    }

    public List<Worker<R>> withStatus(Status... statuses) {
        List<Worker<R>> out = new ArrayList<>();
        for (Worker<R> w : workers.values()) {
            for (Status s : statuses) {
                if (w.status == s) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** Moves a worker to {@code status}; entering or leaving ACTIVE starts a new membership epoch. */
    public void setStatus(String id, Status status) {
        Worker<R> w = require(id);
        if ((w.status == Status.ACTIVE) != (status == Status.ACTIVE)) {
            epoch++;
        }
        w.status = status;
    }

    /** Removes a worker (left, refused, gone); returns its outstanding lease or 0. */
    public long remove(String id) {
        Worker<R> w = workers.remove(id);
        if (w == null) {
            return 0;
        }
        if (w.status == Status.ACTIVE || w.status == Status.DRAINING) {
            epoch++;
        }
        return w.lease;
    }

    /** Active workers with no lease and no task: who can take a lease now. */
    public List<Worker<R>> available() {
        return workers.values().stream()
                .filter(w -> w.status == Status.ACTIVE && w.lease == 0 && w.task == null).toList();
    }

    /** {@code id} now holds {@code lease}, of chunks of {@code step}. */
    public void leased(String id, long lease, long step) {
        Worker<R> w = require(id);
        w.lease = lease;
        w.lastLeasedStep = step;
    }

    /** The worker's lease is in (or released); {@code samples}/{@code seconds} update its speed when > 0. */
    public void leaseDone(String id, int samples, double seconds) {
        Worker<R> w = workers.get(id);
        if (w == null) {
            return;
        }
        w.lease = 0;
        if (samples > 0 && seconds > 0) {
            double now = samples / seconds;
            w.speed = w.speed == 0 ? now : (1 - ewma) * w.speed + ewma * now;
        }
    }

    public void task(String id, String task) {
        require(id).task = task;
    }

    private Worker<R> require(String id) {
        Worker<R> w = workers.get(id);
        if (w == null) {
            throw new IllegalArgumentException("unknown worker " + id);
        }
        return w;
    }
}
