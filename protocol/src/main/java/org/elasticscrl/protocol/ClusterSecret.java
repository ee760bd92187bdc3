package org.elasticscrl.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The cluster's shared secret. A worker proves it holds it when registering — an HMAC-SHA256 of its
 * id and actor ref (so a proof seen on the wire is no use from another address or under another
 * id) — and never sends the secret itself. The fingerprint (a keyed hash, 8 hex digits) only tells
 * an operator which secret a node holds: "another cluster" versus "a forged proof".
 *
 * <p>It also derives each worker's session key ({@link Session}), which authenticates every message
 * between that worker and the coordinator, and proves the coordinator's refusals and resync orders.
 */
public final class ClusterSecret {
    /** No secret: the coordinator admits only workers that present none either. */
    public static final ClusterSecret NONE = new ClusterSecret(null);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final byte[] key;
    private final String fingerprint;

    private ClusterSecret(byte[] key) {
        this.key = key;
        this.fingerprint = key == null ? "" : HexFormat.of().formatHex(mac("scrl cluster secret fingerprint"), 0, 4);
    }

    /** A secret of the given bytes (length rules are the configuration's: NodeSecurity). */
    public static ClusterSecret of(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("a cluster secret cannot be empty");
        }
        return new ClusterSecret(secret.clone());
    }

    public boolean isSet() {
        return key != null;
    }

    /** The blob transport's peer authentication, keyed by a value derived from this secret. */
    public org.elasticscrl.protocol.blob.BlobAuth blobAuth() {
        return key == null ? org.elasticscrl.protocol.blob.BlobAuth.NONE
                : org.elasticscrl.protocol.blob.BlobAuth.keyed(mac("scrl blob transport key"));
    }

    /** 8 hex digits naming this secret ("" without one); safe to log and to send. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The proof a worker sends with its registration ("" without a secret): over its id, ref and nonce. */
    public String credential(String workerId, String workerRef, String nonce) {
        return key == null ? "" : b64(mac(message(workerId, workerRef, nonce)));
    }

    /**
     * Why a registration with this fingerprint and credential is refused, or {@code null} when the
     * worker holds this secret (or neither side has one).
     */
    public String refusal(String theirFingerprint, String credential, String workerId, String workerRef, String nonce) {
        return check(theirFingerprint, credential, message(workerId, workerRef, nonce),
                "its credential does not verify for this worker id and address: a forged or replayed registration");
    }

    /**
     * The proof an operator's shell sends with a question or order ("" without a secret): it covers
     * the command, its argument, the shell's reply ref with its address, a fresh nonce and the time.
     */
    public String queryCredential(String command, String argument, String replyRef, String nonce, long unixMillis) {
        return key == null ? "" : b64(mac(query(command, argument, replyRef, nonce, unixMillis)));
    }

    /** Why an operator's query is refused, or {@code null} when the shell holds this secret (or neither has one). */
    public String queryRefusal(String theirFingerprint, String credential, String command, String argument,
            String replyRef, String nonce, long unixMillis) {
        return check(theirFingerprint, credential, query(command, argument, replyRef, nonce, unixMillis),
                "its credential does not verify for this command and shell: a forged or replayed order");
    }

    /**
     * The key of a worker's session (null without a secret): from the secret, the worker's id and ref, and
     * both sides' fresh registration nonces — so a session seen once is no use in another registration.
     */
    public byte[] sessionKey(String workerId, String workerRef, String workerNonce, String coordinatorNonce) {
        return key == null ? null
                : mac("scrl session\n" + workerId + "\n" + workerRef + "\n" + workerNonce + "\n" + coordinatorNonce);
    }

    /** The coordinator's proof on a refusal, which the refused worker checks before it stops ("" without a secret). */
    public String refusalProof(String workerId, String workerNonce, String reason) {
        return key == null ? "" : b64(mac("scrl refused\n" + workerId + "\n" + workerNonce + "\n" + reason));
    }

    /** Whether a refusal is proven (always, without a secret: then there is nothing to prove). */
    public boolean provesRefusal(String proof, String workerId, String workerNonce, String reason) {
        return key == null || equal(refusalProof(workerId, workerNonce, reason), proof);
    }

    /** A coordinator's proof on a "register again" sent outside a session (after it took a run over). */
    public String resyncProof(String workerRef, String reason, long unixMillis) {
        return key == null ? "" : b64(mac("scrl resync\n" + workerRef + "\n" + reason + "\n" + unixMillis));
    }

    /** Whether such a resync is proven (always, without a secret). */
    public boolean provesResync(String proof, String workerRef, String reason, long unixMillis) {
        return key == null || equal(resyncProof(workerRef, reason, unixMillis), proof);
    }

    /** 16 random bytes, base64: a registration's or a query's nonce. */
    public static String nonce() {
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        return b64(n);
    }

    private static boolean equal(String expected, String given) {
        // constant time: a timing difference must not tell how much of a forged proof was right
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * A refusal as the refused peer may read it: without this cluster's fingerprint (a keyed hash of the
     * secret, which an outsider could test guesses against offline); the log keeps it.
     */
    public String forPeer(String refusal) {
        return key == null ? refusal : refusal.replace(" (" + fingerprint + ")", "");
    }

    private String check(String theirFingerprint, String credential, String message, String forged) {
        boolean theyHaveOne = !theirFingerprint.isEmpty() || !credential.isEmpty();
        if (key == null) {
            return theyHaveOne ? "it presents a cluster secret (fingerprint " + shown(theirFingerprint)
                    + ") but this cluster has none: it belongs to another cluster" : null;
        }
        if (!theyHaveOne) {
            return "it presents no cluster secret; this cluster requires one (--secret-file or SCRL_CLUSTER_SECRET)";
        }
        if (!theirFingerprint.equals(fingerprint)) {
            return "its cluster secret (fingerprint " + shown(theirFingerprint) + ") is not this cluster's ("
                    + fingerprint + "): it belongs to another cluster or was given the wrong secret";
        }
        byte[] expected = mac(message);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(credential);
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        // constant time: a timing difference must not tell how much of a forged proof was right
        return MessageDigest.isEqual(expected, given) ? null : forged;
    }

    private static String query(String command, String argument, String replyRef, String nonce, long unixMillis) {
        return "scrl query\n" + command + "\n" + argument + "\n" + replyRef + "\n" + nonce + "\n" + unixMillis;
    }

    private static String message(String workerId, String workerRef, String nonce) {
        return "scrl register\n" + workerId + "\n" + workerRef + "\n" + nonce;
    }

    /** A fingerprint as received: at most 8 printable characters (it comes from an unchecked node). */
    private static String shown(String fp) {
        String s = fp.length() > 8 ? fp.substring(0, 8) : fp;
        return s.matches("[0-9a-f]*") ? s : "malformed";
    }

    private byte[] mac(String message) {
        return Hmac.sha256(key, message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSecret c && Arrays.equals(key, c.key);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    /** Never the secret: it ends up in logs through records that hold it. */
    @Override
    public String toString() {
        return key == null ? "ClusterSecret[none]" : "ClusterSecret[fingerprint " + fingerprint + "]";
    }
}
