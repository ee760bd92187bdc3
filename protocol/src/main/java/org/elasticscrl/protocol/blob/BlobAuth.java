package org.elasticscrl.protocol.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.elasticscrl.protocol.Hmac;

/**
 * The opening of every blob connection: the server greets, and when the cluster has a secret both
 * sides prove they hold it before a byte of a tensor moves — so a node of another cluster (or none)
 * can neither fetch gradients and states nor serve forged ones.
 *
 * <pre>
 * server greeting  int32 magic "SBG2" | int32 flags (1: proof required) | 16 bytes server nonce
 * client proof     16 bytes client nonce | 32 bytes HMAC-SHA256(key, "client" | server nonce | client nonce)
 * server proof     32 bytes HMAC-SHA256(key, "server" | client nonce | server nonce)
 * </pre>
 *
 * Fresh nonces on both sides make a recorded proof useless on another connection. The key is
 * derived from the cluster secret (never the secret itself). This authenticates the peers, it does
 * not encrypt the tensors: keep the nodes on a private network (or a VPN) when that matters.
 */
public final class BlobAuth {
    /** No secret: greet, prove nothing. */
    public static final BlobAuth NONE = new BlobAuth(null);

    static final int GREETING_MAGIC = 'S' | 'B' << 8 | 'G' << 16 | '2' << 24;
    private static final int NONCE = 16;
    private static final int PROOF = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The peer is of another cluster or transport version: a clear message, no retry. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final byte[] key;

    private BlobAuth(byte[] key) {
        this.key = key;
    }

    /** Proofs keyed by {@code key} (derived from the cluster secret). */
    public static BlobAuth keyed(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("a blob transport key cannot be empty");
        }
        return new BlobAuth(key.clone());
    }

    boolean required() {
        return key != null;
    }

    /** Server side, on a new connection: greet and, with a key, check the client's proof and give ours. */
    void server(ByteChannel ch, String peer, Watchdog.Watch watch) throws IOException {
        byte[] serverNonce = nonce();
        ByteBuffer greeting = ByteBuffer.allocate(8 + NONCE).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(GREETING_MAGIC).putInt(required() ? 1 : 0).put(serverNonce).flip();
        writeAll(ch, greeting, watch);
        if (!required()) {
            return;
        }
        ByteBuffer proof = ByteBuffer.allocate(NONCE + PROOF);
        if (!BlobWire.readFully(ch, proof, watch)) {
            throw new Refused(peer + " hung up instead of proving the cluster secret");
        }
        byte[] clientNonce = new byte[NONCE];
        byte[] given = new byte[PROOF];
        proof.flip().get(clientNonce).get(given);
        if (!MessageDigest.isEqual(mac("client", serverNonce, clientNonce), given)) {
            throw new Refused(peer + " did not prove the cluster secret: another cluster, or none");
        }
        writeAll(ch, ByteBuffer.wrap(mac("server", clientNonce, serverNonce)), watch);
    }

    /** Client side, before its first request: read the greeting and, with a key, prove and check. */
    void client(ByteChannel ch, String peer, Watchdog.Watch watch) throws IOException {
        ByteBuffer greeting = ByteBuffer.allocate(8 + NONCE).order(ByteOrder.LITTLE_ENDIAN);
        if (!BlobWire.readFully(ch, greeting, watch)) {
            throw new IOException("blob server " + peer + " closed the connection before greeting");
        }
        greeting.flip();
        int magic = greeting.getInt();
        boolean theyRequire = (greeting.getInt() & 1) != 0;
        byte[] serverNonce = new byte[NONCE];
        greeting.get(serverNonce);
        if (magic != GREETING_MAGIC) {
            throw new Refused(String.format("%s is not a blob server of this transport version (greeting 0x%08x)",
                    peer, magic));
        }
        if (theyRequire != required()) {
            throw new Refused(theyRequire ? "blob server " + peer + " requires the cluster secret; this node has none"
                    : "blob server " + peer + " has no cluster secret and this node has one: another cluster");
        }
        if (!required()) {
            return;
        }
        byte[] clientNonce = nonce();
        writeAll(ch, ByteBuffer.allocate(NONCE + PROOF).put(clientNonce).put(mac("client", serverNonce, clientNonce))
                .flip(), watch);
        ByteBuffer answer = ByteBuffer.allocate(PROOF);
        if (!BlobWire.readFully(ch, answer, watch)) {
            throw new Refused("blob server " + peer + " refused this node's proof of the cluster secret:"
                    + " its secret is another");
        }
        if (!MessageDigest.isEqual(mac("server", clientNonce, serverNonce), answer.array())) {
            throw new Refused("blob server " + peer + " did not prove the cluster secret: not this cluster's node");
        }
    }

    private byte[] mac(String side, byte[] first, byte[] second) {
        return Hmac.sha256(key, side.getBytes(java.nio.charset.StandardCharsets.US_ASCII), first, second);
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    private static void writeAll(ByteChannel ch, ByteBuffer b, Watchdog.Watch watch) throws IOException {
        while (b.hasRemaining()) {
            if (ch.write(b) > 0) {
                watch.progress();
            }
        }
    }
}
