package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointLoaded;
import org.elasticscrl.protocol.CoordinatorProtocol.CheckpointSaved;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardAdded;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardSealed;
import org.elasticscrl.protocol.CoordinatorProtocol.ShardMeanCopied;
import org.elasticscrl.protocol.WorkerProtocol.AddToShard;
import org.elasticscrl.protocol.WorkerProtocol.ReportChecksum;
import org.elasticscrl.protocol.WorkerProtocol.SealShard;
import org.elasticscrl.protocol.WorkerProtocol.CopyShardMean;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerReady;
import org.elasticscrl.protocol.CoordinatorProtocol.StateOffered;
import org.elasticscrl.protocol.CoordinatorProtocol.StateChecksum;
import org.elasticscrl.protocol.CoordinatorProtocol.SyncCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.TaskCompleted;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.LoadCheckpoint;
import org.elasticscrl.protocol.WorkerProtocol.SaveCheckpoint;
import org.elasticscrl.protocol.WorkerProtocol.ProvideState;
import org.elasticscrl.protocol.WorkerProtocol.Refused;
import org.elasticscrl.protocol.WorkerProtocol.Resync;
import org.elasticscrl.protocol.WorkerProtocol.Release;
import org.elasticscrl.protocol.WorkerProtocol.RunTask;
import org.elasticscrl.protocol.WorkerProtocol.SyncFrom;
import org.elasticscrl.protocol.WorkerProtocol.Welcome;
import org.elasticscrl.protocol.proto.ScrlProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScrlMessageSerializerTest {
    /** As on the cluster: a remote provider, so refs carry host and port. Config passed explicitly. */
    static Config config() {
        return ConfigFactory.parseString("""
                pekko.actor.provider = remote
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.loglevel = WARNING
                pekko.remote.warn-about-direct-use = off
                pekko.remote.warn-unsafe-watch-outside-cluster = off
                """).withFallback(ConfigFactory.defaultReference());
    }

    static final ActorTestKit KIT = ActorTestKit.create("serializer-test", config());
    static final TestProbe<WorkerProtocol.Command> WORKER = KIT.createTestProbe(WorkerProtocol.Command.class);
    static final TestProbe<ShellProtocol.Command> SHELL = KIT.createTestProbe(ShellProtocol.Command.class);
    static final BlobRef BLOB = new BlobRef("10.0.0.7", 25520, 0x8000_0000_0000_0001L, 102_400_012L);
    static final StepMetrics METRICS = new StepMetrics(64, 123.25, 9.5, 40, 64, 640, 1, 3);

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** One sample of every wire message, with extreme values where a type could lose them. */
    static Stream<WireMessage> samples() {
        return Stream.of(
                new RegisterWorker("w-1", "cpu", 16L << 30, 2, WORKER.getRef()),
                new RegisterWorker("w-2", "gpu:0", 1, 8, WORKER.getRef(), ScrlMessageSerializer.PROTOCOL_VERSION,
                        "89abcdef", "c2lnbmVkIGJ5IHRoZSBjbHVzdGVyIHNlY3JldA=="),
                new RegisterWorker("w-3", "cpu", 1, 2, WORKER.getRef(), ScrlMessageSerializer.PROTOCOL_VERSION, "", "",
                        "oneDNN AVX512_CORE_AMX, fastest", false,
                        List.of("SIGFPE (0x8) in [libtorch_cpu.so+0x1b2] brg_blocking_t::est_eff_1x1()", "ünïcode ✓"),
                        "bm9uY2Ugb2YgdGhpcyByZWc="),
                new WorkerReady("w-1", 60_000, 41),
                new WorkerReady("w-1", 60_000, 41, 0xDEAD_BEEF_CAFE_BABEL),
                new Welcome("run-42", "optim:\n  lr: 0.1\nnote: \"ünïcode ✓\"\n", 3, -1),
                new Welcome("run-42", "", 0, Long.MAX_VALUE),
                new Welcome("run 42", "a: 1\n", 1, 7, "Y29vcmRpbmF0b3Igbm9uY2U=", "cHJvb2Y="),
                new Refused("dataset size 59999 differs from the run's 60000"),
                new Refused("run over", "cHJvb2Y="),
                new Resync("excluded at step 12: unreachable"),
                new Resync("the coordinator moved: register again", 1_700_000_000_123L, "cHJvb2Y="),
                new Release("drained"),
                new Lease(7, 3, 1_000_000_000_000L, 12, List.of(0, 5, Integer.MAX_VALUE, -1), 1_700_000_000_000L),
                new Lease(8, 0, 0, 0, List.of(), 0),
                new ContributionReady("w-1", 7, 3, 99, List.of(1, 2, 3), 1.5e-3, METRICS, BLOB),
                new ContributionReady("w-1", 7, 3, 99, List.of(), Double.NaN, StepMetrics.NONE, null),
                new Commit(99, 3, 0.3, 0.996, 1.5e-6, 4096, true, BLOB),
                new Commit(0, 0, Double.MIN_VALUE, Double.POSITIVE_INFINITY, -0.0, 0, false, null),
                new Lease(9, 2, 40, 1, List.of(3, 4), 1_700_000_000_000L, List.of(0, 4096, 8192, 11_173)),
                new ContributionReady("w-1", 9, 2, 40, List.of(3, 4), 0.25, METRICS, null, List.of(BLOB, BLOB)),
                new Commit(40, 2, 0.3, 0.996, 1.5e-6, 64, false, null, List.of(BLOB, BLOB, BLOB)),
                new Commit(41, 2, 0.3, 0.996, 1.5e-6, 64, false, null, List.of(BLOB, BLOB), List.of(BLOB, BLOB)),
                new AddToShard(40, 2, 1, 4096, 9, BLOB, List.of(4, 3)),
                new ShardAdded("w-2", 40, 2, 1, 9, "", false, false),
                new ShardAdded("w-2", 40, 2, 1, 9, "non-finite value NaN at element 7 of the payload", true, true),
                new SealShard(40, 2, 1, List.of(9L, 11L, Long.MAX_VALUE), 1f / 64),
                new ShardSealed("w-2", 40, 2, 1, List.of(9L, 11L), BLOB, ""),
                new ShardSealed("w-2", 40, 2, 0, List.of(), null, "shard holds [9], not [9, 11]"),
                new CopyShardMean(40, 2, 1, BLOB),
                new ShardMeanCopied("w-3", 40, 2, 1, BLOB, ""),
                new ShardMeanCopied("w-3", 40, 2, 1, null, "the mean could not be fetched"),
                new UpdateApplied("w-1", 99, 0xDEAD_BEEF_CAFE_BABEL),
                new UpdateApplied("w-1", 99, Long.MIN_VALUE),
                new UpdateApplied("w-1", 99, 7, 3L << 40, 123_456_789L),
                new UpdateApplied("w-1", 99, 7, 3L << 40, 123_456_789L, 4_000_000_000L, 1),
                new ProvideState("w-3"),
                new StateOffered("w-1", "w-3", 120, BLOB),
                new SyncFrom(120, BLOB),
                new SyncCompleted("w-3", 125),
                new ReportChecksum(120),
                new StateChecksum("w-1", 120, Long.MIN_VALUE),
                new RunTask("online_eval", 4),
                new TaskCompleted("w-1", "checkpoint", 4, "{\"path\":\"runs/x/ckpt-4\",\"ok\":true}"),
                new WorkerFailed("w-2", "lease 7", "java.lang.OutOfMemoryError: Java heap space"),
                new SaveCheckpoint(119, "{\"committed_step\":119}", List.of(111L, 103L)),
                new CheckpointSaved("w-1", 119, "/runs/x/copies/w-1/step_119.safetensors", 0xFFFF_FFFFL, 1L << 33, ""),
                new CheckpointSaved("w-1", 119, "", 0, 0, "No space left on device"),
                new LoadCheckpoint(119, List.of("/a/step_119.safetensors", "/b/step_119.safetensors"),
                        List.of("1a2b3c4d", "ffffffff"), List.of(1234L, 0L), "scrl_cpu_007"),
                new LoadCheckpoint(0, List.of(), List.of(), List.of(), ""),
                new CheckpointLoaded("w-2", 119, "/a/step_119.safetensors", ""),
                new Query("drain", "w-2", SHELL.getRef(), "0a1b2c3d", "bWFjIG9mIHRoZSBxdWVyeQ==", "bm9uY2U=",
                        1_700_000_000_000L),
                new Session("w-1", new byte[32], false).seal(new UpdateApplied("w-1", 99, 7)),
                new Session("w-1", null, true).seal(new Lease(8, 0, 0, 0, List.of(1), 0)),
                new Query("status", "", SHELL.getRef()),
                new ShellProtocol.Answer(true, "{\"step\": 12}"),
                new ShellProtocol.Answer(false, ""));
    }

    static final Map<Class<?>, String> PINNED_MANIFESTS = Map.ofEntries(
            Map.entry(RegisterWorker.class, "RW"), Map.entry(WorkerReady.class, "WR"), Map.entry(Welcome.class, "W"), Map.entry(Refused.class, "RF"),
            Map.entry(Resync.class, "RS"), Map.entry(Release.class, "RL"), Map.entry(Lease.class, "L"),
            Map.entry(ContributionReady.class, "CR"), Map.entry(Commit.class, "C"),
            Map.entry(UpdateApplied.class, "UA"), Map.entry(ProvideState.class, "PS"),
            Map.entry(StateOffered.class, "SO"), Map.entry(SyncFrom.class, "SF"),
            Map.entry(SyncCompleted.class, "SC"), Map.entry(ReportChecksum.class, "RC"),
            Map.entry(StateChecksum.class, "CS"), Map.entry(RunTask.class, "RT"),
            Map.entry(TaskCompleted.class, "TC"), Map.entry(WorkerFailed.class, "WF"),
            Map.entry(SaveCheckpoint.class, "SK"), Map.entry(CheckpointSaved.class, "KS"),
            Map.entry(LoadCheckpoint.class, "LK"), Map.entry(CheckpointLoaded.class, "KL"),
            Map.entry(AddToShard.class, "AS"), Map.entry(ShardAdded.class, "SA"), Map.entry(SealShard.class, "SS"),
            Map.entry(ShardSealed.class, "HS"), Map.entry(CopyShardMean.class, "CM"),
            Map.entry(ShardMeanCopied.class, "MC"),
            Map.entry(Query.class, "Q"), Map.entry(ShellProtocol.Answer.class, "A"), Map.entry(Sealed.class, "SE"));

    private static Serialization serialization() {
        return SerializationExtension.get(Adapter.toClassic(KIT.system()));
    }

    /** The serializer Pekko picked for wire messages (through reference.conf). */
    static ScrlMessageSerializer serializer() {
        try {
            return (ScrlMessageSerializer) serialization().serializerFor(Lease.class);
        } catch (NotSerializableException e) {
            throw new AssertionError("no serializer bound for wire messages", e);
        }
    }

    @Test
    void everyRecordOfEveryProtocolHasAStableManifestAndASample() {
        Set<Class<?>> records = new HashSet<>();
        for (Class<?> root : List.of(CoordinatorProtocol.class, WorkerProtocol.class, ShellProtocol.class)) {
            Arrays.stream(root.getDeclaredClasses()).filter(Class::isRecord).forEach(records::add);
        }
        records.add(Sealed.class);
        assertEquals(records, PINNED_MANIFESTS.keySet(), "a wire record without a pinned manifest, or vice versa");
        assertEquals(PINNED_MANIFESTS, ScrlMessageSerializer.manifests(), "manifests must never change");
        Set<Class<?>> sampled = new HashSet<>();
        samples().forEach(m -> sampled.add(m.getClass()));
        assertEquals(records, sampled, "every record needs a round-trip sample");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsThroughTheBoundSerializer(WireMessage m) throws Exception {
        Serialization s = serialization();
        var serializer = s.findSerializerFor(m);
        assertInstanceOf(ScrlMessageSerializer.class, serializer, "reference.conf binds WireMessage to scrl");
        assertEquals(ScrlMessageSerializer.IDENTIFIER, serializer.identifier());
        String manifest = Serializers.manifestFor(serializer, m);
        assertEquals(PINNED_MANIFESTS.get(m.getClass()), manifest);
        byte[] bytes = serializer.toBinary(m);
        Object back = s.deserialize(bytes, serializer.identifier(), manifest).get();
        assertEquals(m, back);
    }

    @Test
    void actorRefsTravelWithTheNodeAddressAndResolveToTheSameActor() throws Exception {
        var m = new RegisterWorker("w-1", "cpu", 1, 2, WORKER.getRef());
        var back = (RegisterWorker) serializer().fromBinary(serializer().toBinary(m), "RW");
        String wire = ActorRefResolver.get(KIT.system()).toSerializationFormat(WORKER.getRef());
        assertTrue(wire.startsWith("pekko://serializer-test@127.0.0.1:"), wire);
        back.worker().tell(new Release("via the resolved ref"));
        assertEquals(new Release("via the resolved ref"), WORKER.receiveMessage());
    }

    @Test
    void anotherProtocolVersionIsRefusedSayingSo() {
        byte[] v2 = ScrlProto.Lease.newBuilder().setLeaseId(1).setProtocolVersion(9).build().toByteArray();
        var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(v2, "L"));
        assertTrue(e.getMessage().contains("Lease (manifest L, ") && e.getMessage().contains("protocol version 9")
                && e.getMessage().contains("this node speaks " + ScrlMessageSerializer.PROTOCOL_VERSION), e.getMessage());
    }

    @Test
    void aMessageWithoutVersionIsRefused() {
        byte[] v0 = ScrlProto.Refused.newBuilder().setReason("old node").build().toByteArray();
        var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(v0, "RF"));
        assertTrue(e.getMessage().contains("carries no protocol version"), e.getMessage());
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        byte[] junk = "hello, garbage".getBytes(StandardCharsets.US_ASCII);
        var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(junk, "CR"));
        assertTrue(e.getMessage().contains("ContributionReady (manifest CR, 14 bytes) is malformed"), e.getMessage());
    }

    /** The version is the last field written, so every cut-short payload is refused, never half-read. */
    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationIsRefused(WireMessage m) {
        byte[] full = serializer().toBinary(m);
        String manifest = serializer().manifest(m);
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(cut, manifest),
                    m + " cut to " + len + " bytes was accepted");
            assertTrue(e.getMessage().contains("malformed") || e.getMessage().contains("no protocol version"),
                    e.getMessage());
        }
    }

    @Test
    void unknownManifestIsNamed() {
        var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(new byte[3], "ZZ"));
        assertTrue(e.getMessage().startsWith("unknown scrl manifest 'ZZ' (3 bytes)"), e.getMessage());
    }

    @Test
    void unknownClassIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> serializer().toBinary("not a wire message"));
        assertTrue(e.getMessage().contains("cannot serialize java.lang.String"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> serializer().manifest(List.of()));
    }

    @Test
    void nullFieldsAreNamedWhenSending() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> serializer().toBinary(new TaskCompleted("w-1", null, 1, "{}")));
        assertTrue(e.getMessage().endsWith("null task"), e.getMessage());
        var list = Arrays.asList(1, null);
        e = assertThrows(IllegalArgumentException.class, () -> serializer().toBinary(new Lease(1, 1, 1, 1, list, 1)));
        assertTrue(e.getMessage().endsWith("null chunks (an element)"), e.getMessage());
    }

    @Test
    void anEmptyActorRefIsRefused() {
        byte[] bytes = ScrlProto.RegisterWorker.newBuilder().setWorkerId("w").setProtocolVersion(1).build()
                .toByteArray();
        var e = assertThrows(NotSerializableException.class, () -> serializer().fromBinary(bytes, "RW"));
        assertTrue(e.getMessage().contains("is invalid: an actor ref is empty"), e.getMessage());
    }

    @Test
    void absentBlobAndMetricsReadAsNull() throws Exception {
        var m = new ContributionReady("w", 1, 1, 1, List.of(), 0, null, null);
        var back = (ContributionReady) serializer().fromBinary(serializer().toBinary(m), "CR");
        assertNull(back.blob());
        assertNull(back.metrics());
    }

    /** Two nodes over Artery: a message goes out, a reply comes back through the ref it carried. */
    @Test
    void crossesARealRemoteBoundary() {
        ActorTestKit other = ActorTestKit.create("serializer-test-peer", config());
        try {
            TestProbe<CoordinatorProtocol.Command> coordinator = other.createTestProbe(CoordinatorProtocol.Command.class);
            String path = ActorRefResolver.get(other.system()).toSerializationFormat(coordinator.getRef());
            ActorRef<CoordinatorProtocol.Command> remote = ActorRefResolver.get(KIT.system()).resolveActorRef(path);
            var register = new RegisterWorker("w-9", "cpu", 1, 2, WORKER.getRef());
            remote.tell(register);
            var received = coordinator.expectMessageClass(RegisterWorker.class);
            assertEquals(register.workerId(), received.workerId());
            assertEquals(WORKER.getRef().path().toStringWithoutAddress(), received.worker().path().toStringWithoutAddress());
            received.worker().tell(new Welcome("run", "yaml", 1, -1));
            assertEquals(new Welcome("run", "yaml", 1, -1), WORKER.receiveMessage());
        } finally {
            other.shutdownTestKit();
        }
    }
}
