package org.elasticscrl.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker's session with the coordinator, from its registration on: every message between them is
 * {@link Sealed} — the inner message's bytes with a counter and an HMAC-SHA256 under the session key
 * ({@link ClusterSecret#sessionKey}). So a node without the cluster secret can send neither side anything
 * that counts, a member cannot act under another worker's id (it cannot derive that session's key
 * without both registration nonces, which TLS keeps from it), a message cannot be reflected back to its
 * sender (the direction is under the MAC) and a captured one cannot be replayed (each counter counts
 * once; a window of {@value #WINDOW} admits the little reordering Artery's lanes allow). Without a
 * cluster secret there is no key: messages are framed and counted, not authenticated.
 */
public final class Session {
    static final int WINDOW = 64;

    private final String id;
    private final byte[] key;
    private final boolean coordinatorSide;
    private final AtomicLong sent = new AtomicLong();
    private long highest = -1;
    private long seen; // bit i: counter highest - i was seen

    /**
     * @param id the worker's id
     * @param key the session key, or null without a cluster secret
     * @param coordinatorSide whether this end is the coordinator's
     */
    public Session(String id, byte[] key, boolean coordinatorSide) {
        this.id = id;
        this.key = key == null ? null : key.clone();
        this.coordinatorSide = coordinatorSide;
    }

    public String id() {
        return id;
    }

    /** {@code m} sealed for the other end (thread-safe: jobs send from their own thread). */
    public Sealed seal(WireMessage m) {
        ScrlMessageSerializer.Encoded e = ScrlMessageSerializer.encodeSealable(m);
        long counter = sent.getAndIncrement();
        boolean toCoordinator = !coordinatorSide;
        return new Sealed(id, counter, toCoordinator, e.manifest(), e.bytes(),
                mac(id, counter, toCoordinator, e.manifest(), e.bytes()), m);
    }

    /**
     * The inner message of {@code s} if it was sealed by the other end of this session and not seen before;
     * otherwise a {@link SecurityException} saying why.
     */
    public synchronized WireMessage open(Sealed s) {
        if (!s.session().equals(id)) {
            throw new SecurityException("sealed for session '" + WireLimits.shown(s.session()) + "', not " + id);
        }
        if (s.toCoordinator() != coordinatorSide) {
            throw new SecurityException("sealed for the other direction: a reflected message");
        }
        if (key != null && !MessageDigest.isEqual(mac(s.session(), s.counter(), s.toCoordinator(), s.manifest(),
                s.body()), s.mac())) {
            throw new SecurityException("its MAC does not verify under " + id + "'s session key: forged or altered");
        }
        if (s.inner() == null) {
            throw new SecurityException("no message inside");
        }
        if (s.inner() instanceof FromWorker w && !w.workerId().equals(id)) {
            throw new SecurityException("it speaks for worker '" + WireLimits.shown(w.workerId()) + "' in " + id
                    + "'s session");
        }
        accept(s.counter());
        return s.inner();
    }

    /** A proof of {@code text} under the session key ("" without one): the coordinator's Welcome carries one. */
    public String proof(String text) {
        return key == null ? "" : java.util.Base64.getEncoder().encodeToString(Hmac.sha256(key, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code proof} proves {@code text} under the session key (always, without a key). */
    public boolean proves(String proof, String text) {
        return key == null || MessageDigest.isEqual(proof(text).getBytes(StandardCharsets.UTF_8),
                proof.getBytes(StandardCharsets.UTF_8));
    }

    /** What a Welcome's proof covers: everything in it. */
    public static String welcomeText(String runId, String configYaml, int membershipEpoch, long joinStep, String nonce) {
        return "scrl welcome\n" + runId + "\n" + configYaml + "\n" + membershipEpoch + "\n" + joinStep + "\n" + nonce;
    }

    /** Counts {@code counter} once: a replay, or one older than the window, is refused. */
    private void accept(long counter) {
        if (counter < 0) {
            throw new SecurityException("counter " + counter);
        }
        if (counter > highest) {
            long shift = counter - highest;
            seen = shift >= WINDOW ? 1 : (seen << shift) | 1;
            highest = counter;
            return;
        }
        long age = highest - counter;
        if (age >= WINDOW || (seen & (1L << age)) != 0) {
            throw new SecurityException("counter " + counter + " was seen already (highest " + highest + "): a replay");
        }
        seen |= 1L << age;
    }

    private byte[] mac(String session, long counter, boolean toCoordinator, String manifest, byte[] body) {
        if (key == null) {
            return new byte[0];
        }
        return Hmac.sha256(key, ("scrl sealed\n" + session + "\n" + manifest + "\n").getBytes(StandardCharsets.UTF_8),
                ByteBuffer.allocate(9).putLong(counter).put((byte) (toCoordinator ? 1 : 0)).array(), body);
    }

}
