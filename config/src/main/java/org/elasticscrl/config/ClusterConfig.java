package org.elasticscrl.config;

import java.util.List;

/**
 * {@code cluster}: how the elastic cluster runs a training (ignored by {@code scrl train}).
 *
 * @param minWorkers workers that must be ready before step 0 starts
 * @param deadlineFloorS shortest lease deadline, seconds
 * @param deadlineCapS longest lease deadline (and the deadline before a worker's speed is known)
 * @param deadlineFactor a lease may take this many times what the worker's measured speed predicts
 * @param speedEwma weight of a new speed measurement in a worker's moving average
 * @param memoryPerChunkMb memory a chunk needs on a worker: bounds the chunks per lease by the
 *     worker's declared memory
 * @param checksumInterval workers report a state checksum every this many commits (DESIGN I1)
 * @param wireDtype tensors on the wire: {@code f32} or {@code bf16} (half the bytes, rounded)
 * @param replaySteps committed updates kept for workers that are catching up after joining
 * @param canonicalSum workers send each chunk's gradient separately and the coordinator adds them
 *     in chunk order, so a step's update is bit-identical whichever workers computed which chunks
 *     (and identical to {@code scrl train} at the same thread count); costs chunks-per-lease times
 *     the contribution bandwidth, so the ResNet-50 presets leave it off
 * @param checkpointEverySteps durable checkpoints every this many committed steps (0: none): the
 *     state a whole-cluster restart resumes from
 * @param checkpointCopies replica holders that each write a copy of a durable checkpoint (on
 *     distinct hosts when the cluster has them); a checkpoint is durable once this many are written
 * @param checkpointsKept each holder keeps its newest this many copies and deletes older ones
 * @param maxWorkerCrashes a worker whose JVM died with a fatal error this many times in a row without
 *     contributing to a committed step is not admitted again (a crash loop, e.g. native code failing the
 *     same way on that machine at every attempt); its crash summaries are shown to the operator
 * @param maxInvalidContributions a worker whose contributions fail validation (a NaN or infinity, a
 *     sample count its chunks cannot hold, a payload of another size or layout) this many times in a row
 *     is quarantined: no more leases until an operator re-admits it ({@code scrl admit})
 * @param aggregation who sums a step's contributions: {@code star} — the coordinator (every contribution through
 *     its link) — or {@code sharded} — the workers, each owning a shard of the parameter space that every other
 *     worker sends it and it serves summed (the coordinator only decides); the first step of a run is summed by the
 *     coordinator either way, which learns the contribution's layout from it
 * @param shardShares how sharded aggregation sizes each owner's shard: {@code equal} — optimal on full-duplex links,
 *     whatever their rates: a node's time in each phase, max((1−f)P, (N−1)fP) over its rate, is least at f = 1/N for
 *     every node at once — or {@code measured}, by its link's rate as measured (a link within a factor of two of the
 *     owners' median counts as equal), for links with one budget for both directions (half-duplex, or a cap on a
 *     node's total traffic), where a fast link owning more spares the slow ones
 */
public record ClusterConfig(
        int minWorkers,
        double deadlineFloorS,
        double deadlineCapS,
        double deadlineFactor,
        double speedEwma,
        int memoryPerChunkMb,
        int checksumInterval,
        String wireDtype,
        int replaySteps,
        boolean canonicalSum,
        int checkpointEverySteps,
        int checkpointCopies,
        int checkpointsKept,
        int maxWorkerCrashes,
        int maxInvalidContributions,
        String aggregation,
        String shardShares) {
    public static final List<String> DTYPES = List.of("f32", "bf16");
    public static final List<String> AGGREGATIONS = List.of("star", "sharded");
    public static final List<String> SHARD_SHARES = List.of("measured", "equal");

    public ClusterConfig {
        Check.atLeast("cluster.min_workers", minWorkers, 1);
        Check.positive("cluster.deadline_floor_s", deadlineFloorS);
        if (deadlineCapS < deadlineFloorS) {
            throw ConfigException.invalid("cluster.deadline_cap_s", deadlineCapS,
                    "a number >= cluster.deadline_floor_s (" + deadlineFloorS + ")");
        }
        if (!(deadlineFactor >= 1)) {
            throw ConfigException.invalid("cluster.deadline_factor", deadlineFactor, "a number >= 1");
        }
        Check.inRange("cluster.speed_ewma", speedEwma, 0.0, 1.0, true);
        if (speedEwma == 0) {
            throw ConfigException.invalid("cluster.speed_ewma", speedEwma, "a number in (0, 1]");
        }
        Check.atLeast("cluster.memory_per_chunk_mb", memoryPerChunkMb, 1);
        Check.atLeast("cluster.checksum_interval", checksumInterval, 1);
        wireDtype = Check.oneOf("cluster.wire_dtype", wireDtype, DTYPES);
        Check.atLeast("cluster.replay_steps", replaySteps, 1);
        Check.atLeast("cluster.checkpoint_every_steps", checkpointEverySteps, 0);
        Check.atLeast("cluster.checkpoint_copies", checkpointCopies, 1);
        Check.atLeast("cluster.checkpoints_kept", checkpointsKept, 1);
        Check.atLeast("cluster.max_worker_crashes", maxWorkerCrashes, 1);
        Check.atLeast("cluster.max_invalid_contributions", maxInvalidContributions, 1);
        aggregation = Check.oneOf("cluster.aggregation", aggregation, AGGREGATIONS);
        shardShares = Check.oneOf("cluster.shard_shares", shardShares, SHARD_SHARES);
    }

    /** Whether sharded aggregation sizes the owners' shares by their links' measured rates. */
    public boolean measuredShares() {
        return shardShares.equals("measured");
    }

    public boolean sharded() {
        return aggregation.equals("sharded");
    }
}
