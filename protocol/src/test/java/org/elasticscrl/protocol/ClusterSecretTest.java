package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClusterSecretTest {
    static final ClusterSecret OURS = ClusterSecret.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    static final ClusterSecret THEIRS = ClusterSecret.of("another cluster's secret value".getBytes(StandardCharsets.UTF_8));
    static final String REF = "pekko://scrl@10.0.0.5:25521/user/worker#1234";
    static final String NONCE = "bm9uY2Ugb2YgdGhpcyByZWc=";

    @Test
    void aWorkerWithTheSecretIsAdmitted() {
        String proof = OURS.credential("w-1", REF, NONCE);
        assertNull(OURS.refusal(OURS.fingerprint(), proof, "w-1", REF, NONCE));
        assertEquals(8, OURS.fingerprint().length());
        assertNotEquals(OURS.fingerprint(), THEIRS.fingerprint());
    }

    @Test
    void anotherClustersSecretIsNamedAsSuch() {
        String why = OURS.refusal(THEIRS.fingerprint(), THEIRS.credential("w-1", REF, NONCE), "w-1", REF, NONCE);
        assertTrue(why.contains("fingerprint " + THEIRS.fingerprint() + ") is not this cluster's (" + OURS.fingerprint())
                && why.contains("another cluster or was given the wrong secret"), why);
        String told = OURS.forPeer(why);
        assertTrue(told.contains("fingerprint " + THEIRS.fingerprint() + ") is not this cluster's:"), told);
        assertTrue(!told.contains(OURS.fingerprint()), "the refused peer learns nothing of this cluster's secret: " + told);
    }

    @Test
    void noSecretAgainstASecretIsRefusedBothWays() {
        assertTrue(OURS.refusal("", "", "w-1", REF, NONCE).contains("presents no cluster secret"));
        String why = ClusterSecret.NONE.refusal(OURS.fingerprint(), OURS.credential("w-1", REF, NONCE), "w-1", REF, NONCE);
        assertTrue(why.contains("but this cluster has none"), why);
        assertNull(ClusterSecret.NONE.refusal("", "", "w-1", REF, NONCE), "an open cluster admits open workers");
        assertEquals("", ClusterSecret.NONE.credential("w-1", REF, NONCE));
        assertFalse(ClusterSecret.NONE.isSet());
    }

    /** A proof seen on the wire is bound to its worker id and address. */
    @Test
    void aReplayedOrForgedProofIsRefused() {
        String proof = OURS.credential("w-1", REF, NONCE);
        String fp = OURS.fingerprint();
        assertTrue(OURS.refusal(fp, proof, "w-2", REF, NONCE).contains("forged or replayed"));
        assertTrue(OURS.refusal(fp, proof, "w-1", REF.replace("10.0.0.5", "10.0.0.6"), NONCE).contains("forged or replayed"));
        assertTrue(OURS.refusal(fp, "not base64 !!", "w-1", REF, NONCE).contains("forged or replayed"));
        assertTrue(OURS.refusal(fp, "", "w-1", REF, NONCE).contains("forged or replayed"));
    }

    @Test
    void aFingerprintFromAnUncheckedNodeIsNotEchoedVerbatim() {
        String why = OURS.refusal("\n[fake log line]", "x", "w-1", REF, NONCE);
        assertTrue(why.contains("fingerprint malformed"), why);
    }

    @Test
    void neverShowsTheSecret() {
        assertEquals("ClusterSecret[fingerprint " + OURS.fingerprint() + "]", OURS.toString());
        assertThrows(IllegalArgumentException.class, () -> ClusterSecret.of(new byte[0]));
        byte[] bytes = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        ClusterSecret s = ClusterSecret.of(bytes);
        bytes[0] = 'X'; // the secret is copied, not shared
        assertEquals(ClusterSecret.of("0123456789abcdef".getBytes(StandardCharsets.UTF_8)), s);
    }
}
