package org.elasticscrl.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** What the coordinator (and peers, through it) send to a worker. */
public interface WorkerProtocol {
    /** Root of the worker's messages; its private ones implement it too. */
    interface Command extends WireMessage {}

    /** An order to a worker as a shard owner or backup holder: answered off the replica's thread, as it completes. */
    interface ShardOrder extends Command {}

    /** Workers list themselves under this key, so a coordinator that takes over finds them. */
    ServiceKey<Command> WORKERS = ServiceKey.create(Command.class, "scrl-workers");

    /**
     * Registration accepted. The worker builds its replica from {@code configYaml} (the run's single
     * source of configuration). With {@code joinStep} < 0 it starts from the initial state with
     * everyone else; otherwise it waits for a {@link SyncFrom}.
     */
    record Welcome(String runId, String configYaml, int membershipEpoch, long joinStep, String nonce, String proof)
            implements Command {
        /** Outside a session handshake (tests of what follows it). */
        public Welcome(String runId, String configYaml, int membershipEpoch, long joinStep) {
            this(runId, configYaml, membershipEpoch, joinStep, "", "");
        }
    }

    /**
     * Registration refused (other data, other protocol, run over); the worker stops with {@code reason} —
     * if {@code proof} shows the coordinator holds the cluster secret ({@link ClusterSecret#refusalProof}),
     * or the worker holds none.
     */
    record Refused(String reason, String proof) implements Command {
        public Refused(String reason) {
            this(reason, "");
        }
    }

    /**
     * Load the state a peer snapshotted after commit {@code step}, then apply every later commit
     * (they keep arriving meanwhile) before reporting {@code SyncCompleted}.
     */
    record SyncFrom(long step, BlobRef state) implements Command {}

    /** Snapshot the state after the current commit and offer it for {@code forWorker}. */
    record ProvideState(String forWorker) implements Command {}

    /**
     * Report the checksum of the state ({@code StateChecksum}) once commit {@code step} is applied — or at once,
     * with the step it holds, if it is past it: a returning replica is checked against it.
     */
    record ReportChecksum(long step) implements Command {}

    /**
     * Compute {@code chunks} of {@code epoch}'s plan for global step {@code step} by the deadline. {@code shardCuts}:
     * with sharded aggregation, the cut points of the step's shards (the contribution is published one slice per
     * shard); empty: one payload, summed by the coordinator.
     */
    record Lease(long leaseId, int membershipEpoch, long step, int epoch, List<Integer> chunks,
            long deadlineMillis, List<Integer> shardCuts) implements Command {
        public Lease(long leaseId, int membershipEpoch, long step, int epoch, List<Integer> chunks, long deadlineMillis) {
            this(leaseId, membershipEpoch, step, epoch, chunks, deadlineMillis, List.of());
        }
    }

    /**
     * Step {@code step} is committed: apply the sample-weighted mean gradient and BatchNorm
     * statistics at {@code update} (or, sharded, put together from {@code updateShards} in shard order) with this
     * LR, τ and weight decay (pure functions of the step).
     */
    record Commit(long step, int membershipEpoch, double lr, double tau, double weightDecay, int samples,
            boolean checksum, BlobRef update, List<BlobRef> updateShards, List<BlobRef> updateBackups)
            implements Command {
        /** {@code updateBackups}: empty, or one per shard — a second copy of its mean, or the mean again when none. */
        public Commit {
            updateShards = List.copyOf(updateShards);
            updateBackups = List.copyOf(updateBackups);
        }

        public Commit(long step, int membershipEpoch, double lr, double tau, double weightDecay, int samples,
                boolean checksum, BlobRef update, List<BlobRef> updateShards) {
            this(step, membershipEpoch, lr, tau, weightDecay, samples, checksum, update, updateShards, List.of());
        }

        public Commit(long step, int membershipEpoch, double lr, double tau, double weightDecay, int samples,
                boolean checksum, BlobRef update) {
            this(step, membershipEpoch, lr, tau, weightDecay, samples, checksum, update, List.of());
        }
    }

    /**
     * As an owner of shard {@code shard} ({@code elements} long) of step {@code step}: add contribution {@code lease}'s
     * slice at {@code slice} — its chunks {@code chunks}, in lease order — into the shard's sum of generation
     * {@code generation}.
     */
    record AddToShard(long step, int shard, int generation, int elements, long lease, BlobRef slice,
            List<Integer> chunks) implements ShardOrder {}

    /** As that owner: publish the shard's sum of exactly {@code leases}, times {@code scale}. */
    record SealShard(long step, int shard, int generation, List<Long> leases, float scale) implements ShardOrder {}

    /**
     * As the backup holder of shard {@code shard} of step {@code step}: fetch its sealed mean at {@code mean} and serve
     * a copy until the step is applied, so that the step survives its owner.
     */
    record CopyShardMean(long step, int shard, int generation, BlobRef mean) implements ShardOrder {}

    /** Run a task between steps: {@code online_eval}, {@code checkpoint} or {@code final_eval}. */
    record RunTask(String task, int epoch) implements Command {}

    /**
     * The worker is no longer a member — excluded while it was unreachable or silent — and what it
     * sent was refused: drop queued work, register again and load a live peer's state.
     */
    record Resync(String reason, long unixMillis, String proof) implements Command {
        /** Sealed in the worker's session (time and proof are for one without a session). */
        public Resync(String reason) {
            this(reason, 0, "");
        }
    }

    /** The worker's leased chunks are in and it is drained: leave the cluster. */
    record Release(String reason) implements Command {}

    /**
     * Once commit {@code step} is applied, write a durable copy of the state to this worker's
     * checkpoint directory (asynchronously: computing goes on) and answer {@code CheckpointSaved}.
     * {@code runState} (JSON) is the coordinator's position after that step, kept in the file so
     * that a copy describes itself. {@code keepSteps}: the newest durable checkpoints' steps, whose
     * copies the holder keeps; it deletes its other, older copies (never the last durable one).
     */
    record SaveCheckpoint(long step, String runState, List<Long> keepSteps) implements Command {
        public SaveCheckpoint {
            keepSteps = List.copyOf(keepSteps);
        }
    }

    /**
     * Whole-cluster restart: load the durable checkpoint of {@code step} of run {@code runId} from the
     * first of {@code paths} that exists here and verifies against what the manifest records of it
     * ({@code crc32c} in hex and {@code bytes}, by path), and answer {@code CheckpointLoaded}.
     */
    record LoadCheckpoint(long step, List<String> paths, List<String> crc32c, List<Long> bytes, String runId)
            implements Command {
        public LoadCheckpoint {
            paths = List.copyOf(paths);
            crc32c = List.copyOf(crc32c);
            bytes = List.copyOf(bytes);
            if (crc32c.size() != paths.size() || bytes.size() != paths.size()) {
                throw new IllegalArgumentException("a load names " + paths.size() + " paths but " + crc32c.size()
                        + " checksums and " + bytes.size() + " sizes");
            }
        }
    }
}
