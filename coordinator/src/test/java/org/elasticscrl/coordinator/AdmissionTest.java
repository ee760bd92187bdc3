package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.Query;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.ScrlMessageSerializer;
import org.elasticscrl.protocol.ShellProtocol;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    static final ClusterSecret SECRET = ClusterSecret.of("sixteen+ bytes secret".getBytes(StandardCharsets.UTF_8));
    static final String REF = "pekko://scrl@127.0.0.1:40000/user/worker#42";
    static final String NONCE = ClusterSecret.nonce();

    static RegisterWorker register(String id, int version, ClusterSecret secret) {
        return new RegisterWorker(id, "cpu", 1L << 30, 1, null, version, secret.fingerprint(),
                secret.credential(id, REF, NONCE), "deterministic", true, java.util.List.of(), NONCE);
    }

    @Test
    void admitsTheSameVersionWithTheSecret() {
        assertNull(new Admission(SECRET).refusal(register("w-0", ScrlMessageSerializer.PROTOCOL_VERSION, SECRET), REF));
        assertNull(new Admission(ClusterSecret.NONE)
                .refusal(register("w-0", ScrlMessageSerializer.PROTOCOL_VERSION, ClusterSecret.NONE), REF));
    }

    /** The version is checked first: another release may prove the secret another way. */
    @Test
    void refusesAnotherProtocolVersionNamingBoth() {
        String why = new Admission(SECRET).refusal(register("w-0", 9, ClusterSecret.NONE), REF);
        assertEquals("it speaks protocol version 9, this cluster speaks " + ScrlMessageSerializer.PROTOCOL_VERSION
                + ": run the same scrl release on every node", why);
    }

    @Test
    void refusesAWrongOrMissingSecret() {
        var other = ClusterSecret.of("a different cluster secret".getBytes(StandardCharsets.UTF_8));
        var admission = new Admission(SECRET);
        assertTrue(admission.refusal(register("w-0", ScrlMessageSerializer.PROTOCOL_VERSION, other), REF).contains("is not this cluster's"));
        assertTrue(admission.refusal(register("w-0", ScrlMessageSerializer.PROTOCOL_VERSION, ClusterSecret.NONE), REF).contains("presents no cluster secret"));
        assertTrue(admission.refusal(register("w-0", ScrlMessageSerializer.PROTOCOL_VERSION, SECRET), REF.replace("40000", "40001"))
                .contains("forged or replayed"));
    }

    @Test
    void logsARefusalOncePerNodeAndReason() {
        var admission = new Admission(SECRET);
        assertTrue(admission.firstRefusal(REF, "wrong secret"));
        assertFalse(admission.firstRefusal(REF, "wrong secret"));
        assertTrue(admission.firstRefusal(REF + "7", "wrong secret"));
        for (int i = 0; i < 5000; i++) {
            admission.firstRefusal(REF + i, "flood");
        }
        assertTrue(admission.firstRefusal(REF, "wrong secret"), "bounded: the oldest entries are forgotten");
    }

    @Test
    void idsFromUncheckedNodesArePrintable() {
        assertEquals("w-1?[fake] refused", Admission.printable("w-1\n[fake] refused"));
        assertEquals(67, Admission.printable("x".repeat(500)).length());
    }

    /** Operators' questions and orders: answered only for a shell that proves it holds the secret. */
    @Test
    void operatorQueriesNeedTheSecret() {
        ActorTestKit kit = ActorTestKit.create();
        try {
            Admission admission = new Admission(SECRET);
            ActorRef<Query> gate = gate(kit, admission);
            TestProbe<ShellProtocol.Command> shell = kit.createTestProbe();
            String ref = ActorRefResolver.get(kit.system()).toSerializationFormat(shell.ref());

            Query drain = Query.proving(SECRET, "drain", "w-1", shell.ref(), ref);
            gate.tell(drain);
            assertTrue(shell.expectMessageClass(ShellProtocol.Answer.class).ok());
            gate.tell(drain); // captured and sent again
            assertRefused(shell, "its nonce was used already");
            long old = System.currentTimeMillis() - 10 * 60_000;
            gate.tell(new Query("pause", "", shell.ref(), SECRET.fingerprint(),
                    SECRET.queryCredential("pause", "", ref, "n-1", old), "n-1", old));
            assertRefused(shell, "a replayed order, or a clock far off");

            gate.tell(new Query("drain", "w-1", shell.ref()));
            assertRefused(shell, "presents no cluster secret");
            var other = ClusterSecret.of("a different cluster secret".getBytes(StandardCharsets.UTF_8));
            gate.tell(Query.proving(other, "pause", "", shell.ref(), ref));
            assertRefused(shell, "is not this cluster's");
            // a proof for one order does not carry another, nor another worker
            Query forW1 = Query.proving(SECRET, "drain", "w-1", shell.ref(), ref);
            gate.tell(new Query("drain", "w-2", shell.ref(), forW1.secretFingerprint(), forW1.credential(), forW1.nonce(),
                    forW1.unixMillis()));
            assertRefused(shell, "forged or replayed order");
            Query status = Query.proving(SECRET, "status", "", shell.ref(), ref);
            gate.tell(new Query("pause", "", shell.ref(), status.secretFingerprint(), status.credential(), status.nonce(),
                    status.unixMillis()));
            assertRefused(shell, "forged or replayed order");

            // a cluster without a secret answers shells without one, and refuses one that has a secret
            Admission open = new Admission(ClusterSecret.NONE);
            ActorRef<Query> openGate = gate(kit, open);
            openGate.tell(new Query("status", "", shell.ref()));
            assertTrue(shell.expectMessageClass(ShellProtocol.Answer.class).ok());
            openGate.tell(Query.proving(SECRET, "status", "", shell.ref(), ref));
            assertRefused(shell, "another cluster");
        } finally {
            kit.shutdownTestKit();
        }
    }

    /** An actor that answers every admitted query with an empty ok. */
    private static ActorRef<Query> gate(ActorTestKit kit, Admission admission) {
        return kit.spawn(Behaviors.setup(ctx -> Behaviors.receive(Query.class).onMessage(Query.class, q -> {
            admission.ifAdmitted(q, ctx, ok -> ok.replyTo().tell(new ShellProtocol.Answer(true, "{}")));
            return Behaviors.same();
        }).build()));
    }

    private static void assertRefused(TestProbe<ShellProtocol.Command> shell, String why) {
        ShellProtocol.Answer a = shell.expectMessageClass(ShellProtocol.Answer.class);
        assertFalse(a.ok(), a.json());
        assertTrue(a.json().contains("refused: ") && a.json().contains(why), a.json());
    }
}
