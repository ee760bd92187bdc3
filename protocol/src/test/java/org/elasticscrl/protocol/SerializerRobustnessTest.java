package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.WorkerProtocol.Refused;
import org.elasticscrl.protocol.proto.ScrlProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes from the network are never trusted: for every manifest, garbage, truncations and bit flips
 * either decode to a message or are refused with a {@link NotSerializableException} (which Artery
 * logs and drops) — never another exception that could take a stream or an actor down.
 */
class SerializerRobustnessTest {
    static final ActorTestKit KIT = ActorTestKit.create("robustness", ScrlMessageSerializerTest.config());
    /** A node speaking protocol version 9, as a test-only setting makes it. */
    static final ActorTestKit V2 = ActorTestKit.create("robustness-v2",
            ConfigFactory.parseString("scrl.protocol.fake-version = 9").withFallback(ScrlMessageSerializerTest.config()));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
        V2.shutdownTestKit();
    }

    static ScrlMessageSerializer serializer(ActorTestKit kit) {
        try {
            return (ScrlMessageSerializer) SerializationExtension.get(Adapter.toClassic(kit.system()))
                    .serializerFor(Lease.class);
        } catch (NotSerializableException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<String> manifests() {
        return ScrlMessageSerializer.manifests().values().stream().sorted();
    }

    /** Decodes or refuses; anything else fails the test, naming the input. */
    static void decodeOrRefuse(ScrlMessageSerializer s, byte[] bytes, String manifest) {
        try {
            assertInstanceOf(WireMessage.class, s.fromBinary(bytes, manifest));
        } catch (NotSerializableException expected) {
            assertTrue(expected.getMessage().startsWith(ScrlMessageSerializer.manifests().entrySet().stream()
                    .filter(e -> e.getValue().equals(manifest)).findFirst().orElseThrow().getKey().getSimpleName()
                    + " (manifest " + manifest + ", "), expected.getMessage());
        } catch (Throwable t) {
            fail("manifest " + manifest + ", bytes " + Arrays.toString(bytes) + ": " + t, t);
        }
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void randomGarbageIsRefusedOrHarmlessForEveryManifest(String manifest) {
        var s = serializer(KIT);
        Random random = new Random(manifest.hashCode());
        decodeOrRefuse(s, new byte[0], manifest);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(i < 1000 ? 16 : 600)];
            random.nextBytes(junk);
            decodeOrRefuse(s, junk, manifest);
        }
        // lengths that claim far more than is there, and a deep nesting of groups
        decodeOrRefuse(s, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}, manifest);
        byte[] groups = new byte[4000];
        Arrays.fill(groups, (byte) 0x0b); // start-group of field 1, nested 4000 deep
        decodeOrRefuse(s, groups, manifest);
    }

    /** Every single-bit flip of every sample: a changed value at worst, never a crash. */
    @ParameterizedTest
    @MethodSource("org.elasticscrl.protocol.ScrlMessageSerializerTest#samples")
    void everyBitFlipIsRefusedOrHarmless(WireMessage m) {
        var s = ScrlMessageSerializerTest.serializer(); // the samples' refs are of its system
        byte[] full = s.toBinary(m);
        for (int bit = 0; bit < full.length * 8; bit++) {
            byte[] flipped = full.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            decodeOrRefuse(s, flipped, s.manifest(m));
        }
    }

    /** Garbage under a manifest of this serializer is named; an unknown manifest is too. */
    /** A member cannot grow the coordinator's maps and files with huge ids or endless lists. */
    @Test
    void oversizedIdsTextsAndListsAreRefusedWhenRead() {
        var s = serializer(KIT);
        String huge = "w".repeat(1 << 20);
        byte[] hugeId = org.elasticscrl.protocol.proto.ScrlProto.UpdateApplied.newBuilder().setWorkerId(huge).setStep(1)
                .setProtocolVersion(ScrlMessageSerializer.PROTOCOL_VERSION).build().toByteArray();
        var e = assertThrows(NotSerializableException.class, () -> s.fromBinary(hugeId, "UA"));
        assertTrue(e.getMessage().contains("worker_id") && e.getMessage().contains("over 128"), e.getMessage());
        byte[] forgedRow = org.elasticscrl.protocol.proto.ScrlProto.WorkerFailed.newBuilder().setWorkerId("w-1\n1,2,3")
                .setProtocolVersion(ScrlMessageSerializer.PROTOCOL_VERSION).build().toByteArray();
        assertThrows(NotSerializableException.class, () -> s.fromBinary(forgedRow, "WF"), "a line break in an id");
        var paths = org.elasticscrl.protocol.proto.ScrlProto.LoadCheckpoint.newBuilder().setStep(1)
                .setProtocolVersion(ScrlMessageSerializer.PROTOCOL_VERSION);
        for (int i = 0; i < 100; i++) {
            paths.addPaths("/p" + i);
        }
        byte[] many = paths.build().toByteArray();
        e = assertThrows(NotSerializableException.class, () -> s.fromBinary(many, "LK"));
        assertTrue(e.getMessage().contains("paths holds 100 entries"), e.getMessage());
        byte[] longReason = org.elasticscrl.protocol.proto.ScrlProto.WorkerFailed.newBuilder().setWorkerId("w-1")
                .setReason("x".repeat(100_000)).setProtocolVersion(ScrlMessageSerializer.PROTOCOL_VERSION).build()
                .toByteArray();
        assertThrows(NotSerializableException.class, () -> s.fromBinary(longReason, "WF"));
    }

    @Test
    void garbageOfEveryManifestIsNamedInTheRefusal() {
        var s = serializer(KIT);
        byte[] junk = {(byte) 0xff, (byte) 0xff, 0x01};
        manifests().forEach(manifest -> {
            var e = assertThrows(NotSerializableException.class, () -> s.fromBinary(junk, manifest));
            assertTrue(e.getMessage().contains("(manifest " + manifest + ", 3 bytes)"), e.getMessage());
        });
    }

    /** The handshake is read at any version, so that node can be refused with a reason it reads. */
    @Test
    void theHandshakeIsReadAtAnotherVersionAndNothingElseIs() throws Exception {
        var probe = V2.createTestProbe(WorkerProtocol.Command.class); // a ref is written by its own system
        var v1 = serializer(KIT);
        var v2 = serializer(V2);
        assertEquals(9, v2.speaks());
        var register = new RegisterWorker("w-9", "cpu", 1, 1, probe.getRef(), 1, "0011aabb", "cHJvb2Y=");

        byte[] fromV2 = v2.toBinary(register);
        assertEquals(9, ScrlProto.RegisterWorker.parseFrom(fromV2).getProtocolVersion(), "a v9 node writes v9");
        var read = (RegisterWorker) v1.fromBinary(fromV2, "RW");
        assertEquals(9, read.protocolVersion(), "the coordinator sees the sender's version");
        assertEquals("0011aabb", read.secretFingerprint());
        assertEquals("cHJvb2Y=", read.credential());

        var refused = new Refused("it speaks protocol version 9, this cluster speaks 2");
        assertEquals(refused, v2.fromBinary(v1.toBinary(refused), "RF"), "the v2 node reads why");

        var lease = new Lease(1, 1, 1, 1, List.of(1), 1);
        var e = assertThrows(NotSerializableException.class, () -> v2.fromBinary(v1.toBinary(lease), "L"));
        assertTrue(e.getMessage().contains("protocol version " + ScrlMessageSerializer.PROTOCOL_VERSION + " but this node speaks 9"), e.getMessage());
        e = assertThrows(NotSerializableException.class, () -> v1.fromBinary(v2.toBinary(lease), "L"));
        assertTrue(e.getMessage().contains("protocol version 9 but this node speaks " + ScrlMessageSerializer.PROTOCOL_VERSION), e.getMessage());
    }

    /** The handshake's frozen layout still refuses a message cut short (no version) at any version. */
    @Test
    void aTruncatedHandshakeIsStillRefused() {
        var v1 = serializer(KIT);
        var probe = KIT.createTestProbe(WorkerProtocol.Command.class);
        byte[] full = v1.toBinary(new RegisterWorker("w-9", "cpu", 1, 1, probe.getRef(), 1, "00112233", "cHJvb2Y="));
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThrows(NotSerializableException.class, () -> v1.fromBinary(cut, "RW"), "cut to " + len);
        }
    }
}
