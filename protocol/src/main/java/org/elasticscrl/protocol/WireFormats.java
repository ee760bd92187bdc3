package org.elasticscrl.protocol;

import static org.elasticscrl.protocol.ScrlMessageSerializer.PROTOCOL_VERSION;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointLoaded;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointSaved;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.ShellProtocol.Answer;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.StateChecksum;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.WorkerProtocol.AddToShard;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.SealShard;
import org.elasticscrl.protocol.WorkerProtocol.CopyShardMean;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.LoadCheckpoint;
import org.elasticscrl.protocol.WorkerProtocol.ProvideState;
import org.elasticscrl.protocol.WorkerProtocol.ReportChecksum;
import org.elasticscrl.protocol.WorkerProtocol.Refused;
import org.elasticscrl.protocol.WorkerProtocol.Release;
import org.elasticscrl.protocol.WorkerProtocol.Resync;
import org.elasticscrl.protocol.WorkerProtocol.RunTask;
import org.elasticscrl.protocol.WorkerProtocol.SaveCheckpoint;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.elasticscrl.protocol.WorkerProtocol.Welcome;
import org.elasticscrl.protocol.proto.ScrlProto;

/**
 * Records ↔ messages of {@code scrl.proto}: one {@link Format} per wire message, with its stable
 * manifest. Manifests are persisted in every remote envelope: never reuse or change one; a new
 * message gets a new manifest. Nested {@code BlobRef}/{@code StepMetrics} map {@code null} ↔ absent.
 */
final class WireFormats {
    private WireFormats() {}

    /** Actor refs as strings (ActorRefResolver's format); supplied by the serializer. */
    interface Refs {
        String write(ActorRef<?> ref);

        <T> ActorRef<T> read(String serialized);
    }

    /** How one record type travels: manifest, Protobuf parser, version accessor and both mappings. */
    record Format<R extends WireMessage, P extends Message>(String manifest, Class<R> type, Parser<P> parser,
            ToIntFunction<P> version, BiFunction<R, Refs, P> write, BiFunction<P, Refs, R> read) {}

    /** What travels inside a worker's session ({@link Sealed}); the handshake and operators' queries do not. */
    static final java.util.Set<String> SEALABLE = java.util.Set.of("WR", "CR", "UA", "SO", "SC", "KS", "KL", "TC",
            "WF", "L", "C", "PS", "SF", "SK", "LK", "RT", "RL", "RS", "RF", "AS", "SA", "SS", "HS",
            "CM", "MC", "RC", "CS");

    static final List<Format<?, ?>> ALL = List.of(
            // membership
            new Format<>("RW", RegisterWorker.class, ScrlProto.RegisterWorker.parser(),
                    ScrlProto.RegisterWorker::getProtocolVersion,
                    (r, refs) -> ScrlProto.RegisterWorker.newBuilder().setWorkerId(r.workerId())
                            .setDevice(r.device()).setMemoryBytes(r.memoryBytes()).setThreads(r.threads())
                            .setWorker(refs.write(r.worker())).setSecretFingerprint(r.secretFingerprint())
                            .setCredential(r.credential()).setKernels(r.kernels()).setDeterministic(r.deterministic())
                            .addAllCrashes(r.crashes()).setNonce(r.nonce()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    // the version read is the sender's: the coordinator refuses another one by name
                    (p, refs) -> new RegisterWorker(p.getWorkerId(), p.getDevice(), p.getMemoryBytes(),
                            p.getThreads(), refs.read(p.getWorker()), p.getProtocolVersion(),
                            p.getSecretFingerprint(), p.getCredential(), p.getKernels(), p.getDeterministic(),
                            p.getCrashesList(), p.getNonce())),
            new Format<>("WR", WorkerReady.class, ScrlProto.WorkerReady.parser(),
                    ScrlProto.WorkerReady::getProtocolVersion,
                    (r, refs) -> ScrlProto.WorkerReady.newBuilder().setWorkerId(r.workerId())
                            .setDatasetSize(r.datasetSize()).setAppliedStep(r.appliedStep())
                            .setChecksum(r.checksum()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new WorkerReady(p.getWorkerId(), p.getDatasetSize(), p.getAppliedStep(),
                            p.getChecksum())),
            new Format<>("W", Welcome.class, ScrlProto.Welcome.parser(), ScrlProto.Welcome::getProtocolVersion,
                    (r, refs) -> ScrlProto.Welcome.newBuilder().setRunId(r.runId()).setConfigYaml(r.configYaml())
                            .setMembershipEpoch(r.membershipEpoch()).setJoinStep(r.joinStep()).setNonce(r.nonce())
                            .setProof(r.proof()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Welcome(p.getRunId(), p.getConfigYaml(), p.getMembershipEpoch(),
                            p.getJoinStep(), p.getNonce(), p.getProof())),
            new Format<>("RF", Refused.class, ScrlProto.Refused.parser(), ScrlProto.Refused::getProtocolVersion,
                    (r, refs) -> ScrlProto.Refused.newBuilder().setReason(r.reason()).setProof(r.proof())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Refused(p.getReason(), p.getProof())),
            new Format<>("RL", Release.class, ScrlProto.Release.parser(), ScrlProto.Release::getProtocolVersion,
                    (r, refs) -> ScrlProto.Release.newBuilder().setReason(r.reason())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Release(p.getReason())),
            new Format<>("RS", Resync.class, ScrlProto.Resync.parser(), ScrlProto.Resync::getProtocolVersion,
                    (r, refs) -> ScrlProto.Resync.newBuilder().setReason(r.reason()).setUnixMillis(r.unixMillis())
                            .setProof(r.proof()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Resync(p.getReason(), p.getUnixMillis(), p.getProof())),
            // step
            new Format<>("L", Lease.class, ScrlProto.Lease.parser(), ScrlProto.Lease::getProtocolVersion,
                    (r, refs) -> ScrlProto.Lease.newBuilder().setLeaseId(r.leaseId())
                            .setMembershipEpoch(r.membershipEpoch()).setStep(r.step()).setEpoch(r.epoch())
                            .addAllChunks(r.chunks()).setDeadlineMillis(r.deadlineMillis())
                            .addAllShardCuts(r.shardCuts()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Lease(p.getLeaseId(), p.getMembershipEpoch(), p.getStep(), p.getEpoch(),
                            List.copyOf(p.getChunksList()), p.getDeadlineMillis(), List.copyOf(p.getShardCutsList()))),
            new Format<>("CR", ContributionReady.class, ScrlProto.ContributionReady.parser(),
                    ScrlProto.ContributionReady::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.ContributionReady.newBuilder().setWorkerId(r.workerId())
                                .setLeaseId(r.leaseId()).setMembershipEpoch(r.membershipEpoch()).setStep(r.step())
                                .addAllChunks(r.chunks()).setComputeSeconds(r.computeSeconds())
                                .setProtocolVersion(PROTOCOL_VERSION);
                        if (r.metrics() != null) b.setMetrics(metrics(r.metrics()));
                        if (r.blob() != null) b.setBlob(blob(r.blob()));
                        r.slices().forEach(x -> b.addSlices(blob(x)));
                        return b.build();
                    },
                    (p, refs) -> new ContributionReady(p.getWorkerId(), p.getLeaseId(), p.getMembershipEpoch(),
                            p.getStep(), List.copyOf(p.getChunksList()), p.getComputeSeconds(),
                            p.hasMetrics() ? metrics(p.getMetrics()) : null, p.hasBlob() ? blob(p.getBlob()) : null,
                            p.getSlicesList().stream().map(WireFormats::blob).toList())),
            new Format<>("C", Commit.class, ScrlProto.Commit.parser(), ScrlProto.Commit::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.Commit.newBuilder().setStep(r.step()).setMembershipEpoch(r.membershipEpoch())
                                .setLr(r.lr()).setTau(r.tau()).setWeightDecay(r.weightDecay()).setSamples(r.samples())
                                .setChecksum(r.checksum()).setProtocolVersion(PROTOCOL_VERSION);
                        if (r.update() != null) b.setUpdate(blob(r.update()));
                        r.updateShards().forEach(x -> b.addUpdateShards(blob(x)));
                        r.updateBackups().forEach(x -> b.addUpdateBackups(blob(x)));
                        return b.build();
                    },
                    (p, refs) -> new Commit(p.getStep(), p.getMembershipEpoch(), p.getLr(), p.getTau(),
                            p.getWeightDecay(), p.getSamples(), p.getChecksum(),
                            p.hasUpdate() ? blob(p.getUpdate()) : null,
                            p.getUpdateShardsList().stream().map(WireFormats::blob).toList(),
                            p.getUpdateBackupsList().stream().map(WireFormats::blob).toList())),
            // sharded aggregation
            new Format<>("AS", AddToShard.class, ScrlProto.AddToShard.parser(), ScrlProto.AddToShard::getProtocolVersion,
                    (r, refs) -> ScrlProto.AddToShard.newBuilder().setStep(r.step()).setShard(r.shard())
                            .setGeneration(r.generation()).setElements(r.elements()).setLease(r.lease())
                            .setSlice(blob(r.slice())).addAllChunks(r.chunks()).setProtocolVersion(PROTOCOL_VERSION)
                            .build(),
                    (p, refs) -> new AddToShard(p.getStep(), p.getShard(), p.getGeneration(), p.getElements(),
                            p.getLease(), blob(p.getSlice()), List.copyOf(p.getChunksList()))),
            new Format<>("SA", ShardAdded.class, ScrlProto.ShardAdded.parser(), ScrlProto.ShardAdded::getProtocolVersion,
                    (r, refs) -> ScrlProto.ShardAdded.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setShard(r.shard()).setGeneration(r.generation()).setLease(r.lease()).setError(r.error())
                            .setInvalid(r.invalid()).setSpoilt(r.spoilt()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new ShardAdded(p.getWorkerId(), p.getStep(), p.getShard(), p.getGeneration(),
                            p.getLease(), p.getError(), p.getInvalid(), p.getSpoilt())),
            new Format<>("SS", SealShard.class, ScrlProto.SealShard.parser(), ScrlProto.SealShard::getProtocolVersion,
                    (r, refs) -> ScrlProto.SealShard.newBuilder().setStep(r.step()).setShard(r.shard())
                            .setGeneration(r.generation()).addAllLeases(r.leases()).setScale(r.scale())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new SealShard(p.getStep(), p.getShard(), p.getGeneration(),
                            List.copyOf(p.getLeasesList()), p.getScale())),
            new Format<>("HS", ShardSealed.class, ScrlProto.ShardSealed.parser(),
                    ScrlProto.ShardSealed::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.ShardSealed.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                                .setShard(r.shard()).setGeneration(r.generation()).addAllLeases(r.leases())
                                .setError(r.error()).setProtocolVersion(PROTOCOL_VERSION);
                        if (r.mean() != null) b.setMean(blob(r.mean()));
                        return b.build();
                    },
                    (p, refs) -> new ShardSealed(p.getWorkerId(), p.getStep(), p.getShard(), p.getGeneration(),
                            List.copyOf(p.getLeasesList()), p.hasMean() ? blob(p.getMean()) : null, p.getError())),
            new Format<>("CM", CopyShardMean.class, ScrlProto.CopyShardMean.parser(),
                    ScrlProto.CopyShardMean::getProtocolVersion,
                    (r, refs) -> ScrlProto.CopyShardMean.newBuilder().setStep(r.step()).setShard(r.shard())
                            .setGeneration(r.generation()).setMean(blob(r.mean())).setProtocolVersion(PROTOCOL_VERSION)
                            .build(),
                    (p, refs) -> new CopyShardMean(p.getStep(), p.getShard(), p.getGeneration(), blob(p.getMean()))),
            new Format<>("MC", ShardMeanCopied.class, ScrlProto.ShardMeanCopied.parser(),
                    ScrlProto.ShardMeanCopied::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.ShardMeanCopied.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                                .setShard(r.shard()).setGeneration(r.generation()).setError(r.error())
                                .setProtocolVersion(PROTOCOL_VERSION);
                        if (r.copy() != null) b.setCopy(blob(r.copy()));
                        return b.build();
                    },
                    (p, refs) -> new ShardMeanCopied(p.getWorkerId(), p.getStep(), p.getShard(), p.getGeneration(),
                            p.hasCopy() ? blob(p.getCopy()) : null, p.getError())),
            new Format<>("UA", UpdateApplied.class, ScrlProto.UpdateApplied.parser(),
                    ScrlProto.UpdateApplied::getProtocolVersion,
                    (r, refs) -> ScrlProto.UpdateApplied.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setChecksum(r.checksum()).setBytesSent(r.bytesSent()).setBytesReceived(r.bytesReceived())
                            .setSendingNanos(r.sendingNanos()).setReceivingNanos(r.receivingNanos())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new UpdateApplied(p.getWorkerId(), p.getStep(), p.getChecksum(), p.getBytesSent(),
                            p.getBytesReceived(), p.getSendingNanos(), p.getReceivingNanos())),
            // state transfer
            new Format<>("PS", ProvideState.class, ScrlProto.ProvideState.parser(),
                    ScrlProto.ProvideState::getProtocolVersion,
                    (r, refs) -> ScrlProto.ProvideState.newBuilder().setForWorker(r.forWorker())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new ProvideState(p.getForWorker())),
            new Format<>("SO", StateOffered.class, ScrlProto.StateOffered.parser(),
                    ScrlProto.StateOffered::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.StateOffered.newBuilder().setWorkerId(r.workerId())
                                .setForWorker(r.forWorker()).setStep(r.step()).setProtocolVersion(PROTOCOL_VERSION);
                        if (r.state() != null) b.setState(blob(r.state()));
                        return b.build();
                    },
                    (p, refs) -> new StateOffered(p.getWorkerId(), p.getForWorker(), p.getStep(),
                            p.hasState() ? blob(p.getState()) : null)),
            new Format<>("SF", SyncFrom.class, ScrlProto.SyncFrom.parser(), ScrlProto.SyncFrom::getProtocolVersion,
                    (r, refs) -> {
                        var b = ScrlProto.SyncFrom.newBuilder().setStep(r.step()).setProtocolVersion(PROTOCOL_VERSION);
                        if (r.state() != null) b.setState(blob(r.state()));
                        return b.build();
                    },
                    (p, refs) -> new SyncFrom(p.getStep(), p.hasState() ? blob(p.getState()) : null)),
            new Format<>("RC", ReportChecksum.class, ScrlProto.ReportChecksum.parser(),
                    ScrlProto.ReportChecksum::getProtocolVersion,
                    (r, refs) -> ScrlProto.ReportChecksum.newBuilder().setStep(r.step())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new ReportChecksum(p.getStep())),
            new Format<>("CS", StateChecksum.class, ScrlProto.StateChecksum.parser(),
                    ScrlProto.StateChecksum::getProtocolVersion,
                    (r, refs) -> ScrlProto.StateChecksum.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setChecksum(r.checksum()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new StateChecksum(p.getWorkerId(), p.getStep(), p.getChecksum())),
            new Format<>("SC", SyncCompleted.class, ScrlProto.SyncCompleted.parser(),
                    ScrlProto.SyncCompleted::getProtocolVersion,
                    (r, refs) -> ScrlProto.SyncCompleted.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new SyncCompleted(p.getWorkerId(), p.getStep())),
            // durable checkpoints
            new Format<>("SK", SaveCheckpoint.class, ScrlProto.SaveCheckpoint.parser(),
                    ScrlProto.SaveCheckpoint::getProtocolVersion,
                    (r, refs) -> ScrlProto.SaveCheckpoint.newBuilder().setStep(r.step()).setRunState(r.runState())
                            .addAllKeepSteps(r.keepSteps()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new SaveCheckpoint(p.getStep(), p.getRunState(), p.getKeepStepsList())),
            new Format<>("KS", CheckpointSaved.class, ScrlProto.CheckpointSaved.parser(),
                    ScrlProto.CheckpointSaved::getProtocolVersion,
                    (r, refs) -> ScrlProto.CheckpointSaved.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setPath(r.path()).setCrc32C(r.crc32c()).setBytes(r.bytes()).setError(r.error())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new CheckpointSaved(p.getWorkerId(), p.getStep(), p.getPath(), p.getCrc32C(),
                            p.getBytes(), p.getError())),
            new Format<>("LK", LoadCheckpoint.class, ScrlProto.LoadCheckpoint.parser(),
                    ScrlProto.LoadCheckpoint::getProtocolVersion,
                    (r, refs) -> ScrlProto.LoadCheckpoint.newBuilder().setStep(r.step()).addAllPaths(r.paths())
                            .addAllCrc32C(r.crc32c()).addAllBytes(r.bytes()).setRunId(r.runId())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new LoadCheckpoint(p.getStep(), p.getPathsList(), p.getCrc32CList(), p.getBytesList(),
                            p.getRunId())),
            new Format<>("KL", CheckpointLoaded.class, ScrlProto.CheckpointLoaded.parser(),
                    ScrlProto.CheckpointLoaded::getProtocolVersion,
                    (r, refs) -> ScrlProto.CheckpointLoaded.newBuilder().setWorkerId(r.workerId()).setStep(r.step())
                            .setPath(r.path()).setError(r.error()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new CheckpointLoaded(p.getWorkerId(), p.getStep(), p.getPath(), p.getError())),
            // operators
            new Format<>("Q", Query.class, ScrlProto.Query.parser(), ScrlProto.Query::getProtocolVersion,
                    (r, refs) -> ScrlProto.Query.newBuilder().setCommand(r.command()).setArgument(r.argument())
                            .setReplyTo(refs.write(r.replyTo())).setSecretFingerprint(r.secretFingerprint())
                            .setCredential(r.credential()).setNonce(r.nonce()).setUnixMillis(r.unixMillis())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Query(p.getCommand(), p.getArgument(), refs.read(p.getReplyTo()),
                            p.getSecretFingerprint(), p.getCredential(), p.getNonce(), p.getUnixMillis())),
            new Format<>("A", Answer.class, ScrlProto.Answer.parser(), ScrlProto.Answer::getProtocolVersion,
                    (r, refs) -> ScrlProto.Answer.newBuilder().setOk(r.ok()).setJson(r.json())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new Answer(p.getOk(), p.getJson())),
            // tasks and failures
            new Format<>("RT", RunTask.class, ScrlProto.RunTask.parser(), ScrlProto.RunTask::getProtocolVersion,
                    (r, refs) -> ScrlProto.RunTask.newBuilder().setTask(r.task()).setEpoch(r.epoch())
                            .setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new RunTask(p.getTask(), p.getEpoch())),
            new Format<>("TC", TaskCompleted.class, ScrlProto.TaskCompleted.parser(),
                    ScrlProto.TaskCompleted::getProtocolVersion,
                    (r, refs) -> ScrlProto.TaskCompleted.newBuilder().setWorkerId(r.workerId()).setTask(r.task())
                            .setEpoch(r.epoch()).setResult(r.result()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new TaskCompleted(p.getWorkerId(), p.getTask(), p.getEpoch(), p.getResult())),
            new Format<>("WF", WorkerFailed.class, ScrlProto.WorkerFailed.parser(),
                    ScrlProto.WorkerFailed::getProtocolVersion,
                    (r, refs) -> ScrlProto.WorkerFailed.newBuilder().setWorkerId(r.workerId()).setWhat(r.what())
                            .setReason(r.reason()).setProtocolVersion(PROTOCOL_VERSION).build(),
                    (p, refs) -> new WorkerFailed(p.getWorkerId(), p.getWhat(), p.getReason())));

    private static ScrlProto.BlobRef blob(BlobRef r) {
        return ScrlProto.BlobRef.newBuilder().setHost(r.host()).setPort(r.port()).setId(r.id()).setBytes(r.bytes())
                .setSha256(com.google.protobuf.ByteString.copyFrom(java.util.HexFormat.of().parseHex(r.sha256())))
                .build();
    }

    private static BlobRef blob(ScrlProto.BlobRef p) {
        int digest = p.getSha256().size();
        if (digest != 0 && digest != 32) {
            throw new IllegalArgumentException("a blob reference's SHA-256 has " + digest + " bytes, not 32");
        }
        return new BlobRef(p.getHost(), p.getPort(), p.getId(), p.getBytes(),
                java.util.HexFormat.of().formatHex(p.getSha256().toByteArray()));
    }

    private static ScrlProto.StepMetrics metrics(StepMetrics m) {
        return ScrlProto.StepMetrics.newBuilder().setSamples(m.samples()).setSslLossSum(m.sslLossSum())
                .setCeLossSum(m.ceLossSum()).setCorrect(m.correct()).setEvaluated(m.evaluated()).setPairs(m.pairs())
                .setSkippedImages(m.skippedImages()).setBoxFallbacks(m.boxFallbacks()).build();
    }

    private static StepMetrics metrics(ScrlProto.StepMetrics p) {
        return new StepMetrics(p.getSamples(), p.getSslLossSum(), p.getCeLossSum(), p.getCorrect(), p.getEvaluated(),
                p.getPairs(), p.getSkippedImages(), p.getBoxFallbacks());
    }
}
