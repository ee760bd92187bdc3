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

    static RegisterWorker register(String id, int version, ClusterSecret secret) {
        return new RegisterWorker(id, "cpu", 1L << 30, 1, null, version, secret.fingerprint(),
                secret.credential(id, REF));
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
        String why = new Admission(SECRET).refusal(register("w-0", 2, ClusterSecret.NONE), REF);
        assertEquals("it speaks protocol version 2, this cluster speaks " + ScrlMessageSerializer.PROTOCOL_VERSION
                + ": run the same scrl release on every node", why);
    }

    @Test
    void refusesAWrongOrMissingSecret() {
        var other = ClusterSecret.of("a different cluster secret".getBytes(StandardCharsets.UTF_8));
        var admission = new Admission(SECRET);
        assertTrue(admission.refusal(register("w-0", 1, other), REF).contains("is not this cluster's"));
        assertTrue(admission.refusal(register("w-0", 1, ClusterSecret.NONE), REF).contains("presents no cluster secret"));
        assertTrue(admission.refusal(register("w-0", 1, SECRET), REF.replace("40000", "40001"))
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

            gate.tell(new Query("drain", "w-1", shell.ref(), SECRET.fingerprint(), SECRET.queryCredential("drain", "w-1", ref)));
            assertTrue(shell.expectMessageClass(ShellProtocol.Answer.class).ok());

            gate.tell(new Query("drain", "w-1", shell.ref()));
            assertRefused(shell, "presents no cluster secret");
            var other = ClusterSecret.of("a different cluster secret".getBytes(StandardCharsets.UTF_8));
            gate.tell(new Query("pause", "", shell.ref(), other.fingerprint(), other.queryCredential("pause", "", ref)));
            assertRefused(shell, "is not this cluster's");
            // a proof for one order does not carry another, nor another worker
            gate.tell(new Query("drain", "w-2", shell.ref(), SECRET.fingerprint(), SECRET.queryCredential("drain", "w-1", ref)));
            assertRefused(shell, "forged or replayed order");
            gate.tell(new Query("pause", "", shell.ref(), SECRET.fingerprint(), SECRET.queryCredential("status", "", ref)));
            assertRefused(shell, "forged or replayed order");

            // a cluster without a secret answers shells without one, and refuses one that has a secret
            Admission open = new Admission(ClusterSecret.NONE);
            ActorRef<Query> openGate = gate(kit, open);
            openGate.tell(new Query("status", "", shell.ref()));
            assertTrue(shell.expectMessageClass(ShellProtocol.Answer.class).ok());
            openGate.tell(new Query("status", "", shell.ref(), SECRET.fingerprint(), SECRET.queryCredential("status", "", ref)));
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
