package org.elasticscrl.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** What workers (and tools) send to the coordinator. */
public interface CoordinatorProtocol {
    /** Root of the coordinator's messages; its private ones implement it too. */
    interface Command extends WireMessage {}

    /**
     * A worker asks to take part (sent until it is welcomed: the singleton may not be up yet). The
     * coordinator admits it only if it speaks this protocol version and proves it holds the
     * cluster's secret ({@link ClusterSecret}); otherwise it answers {@link WorkerProtocol.Refused}.
     *
     * @param protocolVersion the version the worker's node speaks; on the wire its serializer
     *     writes its own, and the receiving serializer fills this in from the wire
     * @param secretFingerprint which secret the worker holds ("" = none)
     * @param credential the worker's proof of that secret for its id and ref ("" = none)
     * @param kernels the native kernels it computes with, as the worker describes them
     * @param deterministic whether they give the same bits for the same inputs (a run with
     *     {@code train.deterministic} admits only such workers)
     * @param crashes summaries of its JVMs' fatal errors since it last registered, newest last
     * @param nonce fresh per registration (base64): the credential covers it, the session key derives from it
     */
    record RegisterWorker(String workerId, String device, long memoryBytes, int threads,
            ActorRef<WorkerProtocol.Command> worker, int protocolVersion, String secretFingerprint,
            String credential, String kernels, boolean deterministic, List<String> crashes, String nonce)
            implements Command {
        public RegisterWorker {
            crashes = List.copyOf(crashes);
        }

        /** With deterministic kernels, no crash to report and no nonce. */
        public RegisterWorker(String workerId, String device, long memoryBytes, int threads,
                ActorRef<WorkerProtocol.Command> worker, int protocolVersion, String secretFingerprint,
                String credential) {
            this(workerId, device, memoryBytes, threads, worker, protocolVersion, secretFingerprint, credential,
                    "deterministic", true, List.of(), "");
        }

        /** A registration of this protocol version without a cluster secret. */
        public RegisterWorker(String workerId, String device, long memoryBytes, int threads,
                ActorRef<WorkerProtocol.Command> worker) {
            this(workerId, device, memoryBytes, threads, worker, ScrlMessageSerializer.PROTOCOL_VERSION, "", "");
        }
    }

    /**
     * The welcomed worker opened its data and built its replica. {@code datasetSize} is what its
     * copy of the training data holds: the coordinator plans with it and refuses workers whose
     * data differs. {@code appliedStep}: its replica holds the run's state after that commit (-1:
     * the initial state) — a worker registering again after a fault or a coordinator move may
     * continue from its own state when that is the last committed step. {@code checksum}: of that state
     * when the replica is one it kept from an earlier registration (0: none) — it is reused only when the
     * checksum matches the run's.
     */
    record WorkerReady(String workerId, int datasetSize, long appliedStep, long checksum) implements Command, FromWorker {
        /** A replica with the initial state, or one that brings no checksum. */
        public WorkerReady(String workerId, int datasetSize, long appliedStep) {
            this(workerId, datasetSize, appliedStep, 0);
        }
    }

    /** The checksum of the worker's whole state after commit {@code step} (asked by {@code ReportChecksum}). */
    record StateChecksum(String workerId, long step, long checksum) implements Command, FromWorker {}

    /**
     * A lease's chunks are computed: their summed gradient and BatchNorm statistics wait at
     * {@code blob}. Accepted only while the lease is current.
     */
    record ContributionReady(String workerId, long leaseId, int membershipEpoch, long step,
            List<Integer> chunks, double computeSeconds, StepMetrics metrics, BlobRef blob, List<BlobRef> slices)
            implements Command, FromWorker {
        /** A contribution in one payload (no shards). */
        public ContributionReady(String workerId, long leaseId, int membershipEpoch, long step, List<Integer> chunks,
                double computeSeconds, StepMetrics metrics, BlobRef blob) {
            this(workerId, leaseId, membershipEpoch, step, chunks, computeSeconds, metrics, blob, List.of());
        }
    }

    /**
     * An owner added (or, {@code error} not empty, failed to add) a contribution's slice to a shard's sum;
     * {@code invalid}: the slice was at fault; {@code spoilt}: part of it reached the sum.
     */
    record ShardAdded(String workerId, long step, int shard, int generation, long lease, String error, boolean invalid,
            boolean spoilt) implements Command, FromWorker {}

    /** An owner published a shard's mean over {@code leases} at {@code mean} (or, {@code error} not empty, could not). */
    record ShardSealed(String workerId, long step, int shard, int generation, List<Long> leases, BlobRef mean,
            String error) implements Command, FromWorker {}

    /** A backup holder serves a copy of a shard's mean at {@code copy} (or, {@code error} not empty, could not). */
    record ShardMeanCopied(String workerId, long step, int shard, int generation, BlobRef copy, String error)
            implements Command, FromWorker {}

    /**
     * The worker applied commit {@code step}; {@code checksum} is of its whole state (0 = not computed);
     * {@code bytesSent}/{@code bytesReceived}: its tensor transport's traffic so far (0: not counted);
     * {@code sendingNanos}/{@code receivingNanos}: how long its link was busy each way so far (its measured rate).
     */
    record UpdateApplied(String workerId, long step, long checksum, long bytesSent, long bytesReceived,
            long sendingNanos, long receivingNanos) implements Command, FromWorker {
        public UpdateApplied(String workerId, long step, long checksum) {
            this(workerId, step, checksum, 0, 0);
        }

        public UpdateApplied(String workerId, long step, long checksum, long bytesSent, long bytesReceived) {
            this(workerId, step, checksum, bytesSent, bytesReceived, 0, 0);
        }
    }

    /** A peer snapshotted its state after commit {@code step} for a joining worker. */
    record StateOffered(String workerId, String forWorker, long step, BlobRef state) implements Command, FromWorker {}

    /** A joining worker loaded the offered state and applied every commit since: it can compute. */
    record SyncCompleted(String workerId, long step) implements Command, FromWorker {}

    /** A task ({@code online_eval}, {@code checkpoint}, {@code final_eval}) finished; {@code result} is JSON. */
    record TaskCompleted(String workerId, String task, int epoch, String result) implements Command, FromWorker {}

    /** A worker failed a task or a lease; {@code reason} says why. */
    record WorkerFailed(String workerId, String what, String reason) implements Command, FromWorker {}

    /** A durable copy of the state after {@code step} is at {@code path} (error "") or could not be written. */
    record CheckpointSaved(String workerId, long step, String path, long crc32c, long bytes, String error)
            implements Command, FromWorker {}

    /** The worker loaded the checkpoint of {@code step} from {@code path} (error "") or could read none. */
    record CheckpointLoaded(String workerId, long step, String path, String error) implements Command, FromWorker {}

    /**
     * An operator's question or order ({@code scrl shell}, {@code scrl status} …): {@code command}
     * is one of {@code status workers history ledger checkpoints drain admit pause resume checkpoint},
     * {@code argument} its operand (the worker to drain). Answered with {@link ShellProtocol.Answer}.
     * With a cluster secret the shell proves it holds it ({@link ClusterSecret#queryCredential}).
     */
    record Query(String command, String argument, ActorRef<ShellProtocol.Command> replyTo, String secretFingerprint,
            String credential, String nonce, long unixMillis) implements Command {
        /** A query from a cluster without a secret. */
        public Query(String command, String argument, ActorRef<ShellProtocol.Command> replyTo) {
            this(command, argument, replyTo, "", "", "", System.currentTimeMillis());
        }

        /**
         * A query proving {@code secret}, fresh: its own nonce and the time, under the credential.
         * {@code replyRef} is {@code replyTo} as the coordinator will see it (with its address).
         */
        public static Query proving(ClusterSecret secret, String command, String argument,
                ActorRef<ShellProtocol.Command> replyTo, String replyRef) {
            String nonce = ClusterSecret.nonce();
            long now = System.currentTimeMillis();
            return new Query(command, argument, replyTo, secret.fingerprint(),
                    secret.queryCredential(command, argument, replyRef, nonce, now), nonce, now);
        }
    }
}
