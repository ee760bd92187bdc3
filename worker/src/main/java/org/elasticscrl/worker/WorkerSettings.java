package org.elasticscrl.worker;

import org.elasticscrl.protocol.ClusterSecret;

/**
 * What a worker declares and how it runs: its id, device ({@code cpu} or {@code gpu:N}), memory
 * budget, compute threads, loader threads, a throttle for heterogeneity experiments (1 = full
 * speed, 0.5 = takes twice as long), the cluster secret it proves when registering, where it
 * writes its durable checkpoint copies (null: {@code <save_dir>/copies/<worker id>}), the native kernels
 * it computes with ({@code kernels} as the operator reads them, and whether they are deterministic) and
 * where its JVM writes fatal-error reports ({@code crashDir}, null: none are collected); {@code poison} and
 * {@code diskFault} are faults injected on purpose ({@code scrl chaos}).
 */
public record WorkerSettings(String workerId, String device, long memoryBytes, int threads, int loaderThreads,
        double throttle, ClusterSecret secret, String checkpointDir, String kernels, boolean deterministicKernels,
        java.nio.file.Path crashDir, Poison poison, DiskFault diskFault, SimulatedReplica.Settings simulation) {
    public WorkerSettings {
        java.util.Objects.requireNonNull(poison, "poison (Poison.NONE for none)");
        java.util.Objects.requireNonNull(diskFault, "diskFault (DiskFault.NONE for none)");
        java.util.Objects.requireNonNull(secret, "secret (ClusterSecret.NONE for none)");
        java.util.Objects.requireNonNull(kernels, "kernels");
        if (!(throttle > 0 && throttle <= 1)) {
            throw new IllegalArgumentException("throttle must be in (0, 1], got " + throttle);
        }
        if (threads < 1 || loaderThreads < 1 || memoryBytes < 1) {
            throw new IllegalArgumentException("threads, loader threads and memory must be positive");
        }
        if (!device.equals("cpu") && !device.matches("gpu:\\d+")) {
            throw new IllegalArgumentException("device must be cpu or gpu:N, got " + device);
        }
    }

    /** This worker's replica of run {@code cfg}: the learning one, or a simulated one ({@code simulation} set). */
    public Replica openReplica(org.elasticscrl.config.ScrlConfig cfg) {
        return simulation == null ? DjlReplica.open(cfg, loaderThreads) : SimulatedReplica.open(cfg, simulation);
    }

    /** Where this worker's durable copies go for a run saving to {@code saveDir}. */
    public java.nio.file.Path copiesDir(String saveDir) {
        if (checkpointDir != null) {
            return java.nio.file.Path.of(checkpointDir);
        }
        if (saveDir == null) {
            throw new IllegalStateException("the run has no save_dir and this worker no --checkpoint-dir:"
                    + " nowhere to write durable checkpoints");
        }
        return java.nio.file.Path.of(saveDir, "copies", workerId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
