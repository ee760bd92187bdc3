package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol.RegisterWorker;
import org.elasticscrl.protocol.ScrlMessageSerializer;
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
}
