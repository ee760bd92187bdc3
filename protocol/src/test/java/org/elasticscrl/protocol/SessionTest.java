package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.protocol.CoordinatorProtocol.ContributionReady;
import org.elasticscrl.protocol.CoordinatorProtocol.UpdateApplied;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.elasticscrl.protocol.proto.ScrlProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A worker's session: what it seals the other end opens once, and nothing else counts. */
class SessionTest {
    static final ActorTestKit KIT = ActorTestKit.create("session", ScrlMessageSerializerTest.config());
    static final ClusterSecret SECRET = ClusterSecret.of("sixteen+ bytes of secret".getBytes(StandardCharsets.UTF_8));
    static final String REF = "pekko://scrl@10.0.0.5:25521/user/worker#1";
    static final String NW = ClusterSecret.nonce();
    static final String NC = ClusterSecret.nonce();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    static Session worker() {
        return new Session("w-1", SECRET.sessionKey("w-1", REF, NW, NC), false);
    }

    static Session coordinator() {
        return new Session("w-1", SECRET.sessionKey("w-1", REF, NW, NC), true);
    }

    /** Through the bound serializer, as Artery carries it. */
    static Sealed wire(Sealed s) throws Exception {
        var ser = SerializerRobustnessTest.serializer(KIT);
        return (Sealed) ser.fromBinary(ser.toBinary(s), ser.manifest(s));
    }

    @Test
    void whatOneEndSealsTheOtherOpensOnceAndInOrderOrNearly() throws Exception {
        Session w = worker();
        Session c = coordinator();
        UpdateApplied m = new UpdateApplied("w-1", 12, 0xABCDL);
        Sealed first = wire(w.seal(m));
        assertEquals(m, c.open(first));
        var e = assertThrows(SecurityException.class, () -> c.open(first));
        assertTrue(e.getMessage().contains("a replay"), e.getMessage());
        Sealed a = wire(w.seal(new UpdateApplied("w-1", 13, 1)));
        Sealed b = wire(w.seal(new UpdateApplied("w-1", 14, 2)));
        assertEquals(14, ((UpdateApplied) c.open(b)).step(), "a little reordering is fine");
        assertEquals(13, ((UpdateApplied) c.open(a)).step());
        Lease lease = new Lease(7, 1, 14, 0, List.of(3, 4), 0);
        assertEquals(lease, w.open(wire(c.seal(lease))), "the other way round too");
        Sealed old = w.seal(new UpdateApplied("w-1", 1, 1));
        for (int i = 0; i < Session.WINDOW + 1; i++) {
            c.open(wire(w.seal(new UpdateApplied("w-1", 20 + i, 1))));
        }
        assertTrue(assertThrows(SecurityException.class, () -> c.open(wire(old))).getMessage().contains("replay"),
                "older than the window");
    }

    @Test
    void forgedAlteredReflectedAndForeignMessagesAreRefused() throws Exception {
        Session c = coordinator();
        Sealed good = worker().seal(new UpdateApplied("w-1", 12, 1));
        byte[] body = good.body().clone();
        body[body.length - 1] ^= 1;
        Sealed altered = new Sealed(good.session(), good.counter(), true, good.manifest(), body, good.mac(),
                new UpdateApplied("w-1", 12, 0));
        assertTrue(assertThrows(SecurityException.class, () -> c.open(altered)).getMessage().contains("forged or altered"));
        // a member that knows the secret but not this session's nonces
        Session guess = new Session("w-1", SECRET.sessionKey("w-1", REF, NW, ClusterSecret.nonce()), false);
        assertThrows(SecurityException.class, () -> c.open(guess.seal(new UpdateApplied("w-1", 12, 1))));
        // a worker speaking for another one inside its own session
        Sealed other = worker().seal(new UpdateApplied("w-2", 12, 1));
        assertTrue(assertThrows(SecurityException.class, () -> c.open(other)).getMessage().contains("speaks for worker"));
        // the coordinator's own message sent back to it
        Sealed reflected = c.seal(new Lease(1, 1, 1, 0, List.of(1), 0));
        assertTrue(assertThrows(SecurityException.class, () -> c.open(reflected)).getMessage().contains("reflected"));
        Sealed elsewhere = new Session("w-2", SECRET.sessionKey("w-2", REF, NW, NC), false)
                .seal(new UpdateApplied("w-2", 1, 1));
        assertThrows(SecurityException.class, () -> c.open(elsewhere));
    }

    @Test
    void withoutASecretMessagesAreFramedAndCountedNotAuthenticated() throws Exception {
        Session w = new Session("w-1", null, false);
        Session c = new Session("w-1", null, true);
        Sealed s = wire(w.seal(new ContributionReady("w-1", 1, 1, 1, List.of(1), 0.1, StepMetrics.NONE, null)));
        assertEquals(0, s.mac().length);
        c.open(s);
        assertThrows(SecurityException.class, () -> c.open(s), "still no replay");
    }

    @Test
    void onlySessionMessagesTravelSealed() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> worker().seal(new CoordinatorProtocol.RegisterWorker("w-1",
                "cpu", 1, 1, null)));
        byte[] forged = ScrlProto.Sealed.newBuilder().setSession("w-1").setManifest("RW")
                .setBody(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2}))
                .setProtocolVersion(ScrlMessageSerializer.PROTOCOL_VERSION).build().toByteArray();
        var ser = SerializerRobustnessTest.serializer(KIT);
        var e = assertThrows(NotSerializableException.class, () -> ser.fromBinary(forged, "SE"));
        assertTrue(e.getMessage().contains("does not travel inside a session"), e.getMessage());
    }
}
