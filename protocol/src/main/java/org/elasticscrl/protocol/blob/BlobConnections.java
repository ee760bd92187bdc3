package org.elasticscrl.protocol.blob;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;

/**
 * The client's connections, pooled per peer: a fetch borrows the most recently used idle connection
 * (least likely to have been dropped) or opens one, and gives it back when the connection is in a clean
 * state (a whole answer read). At most {@code maxIdlePerPeer} idle connections are kept per peer, each
 * for at most {@code maxIdle}.
 */
final class BlobConnections implements AutoCloseable {
    private final BlobClient.Settings settings;
    private final BlobAuth auth;
    private final BlobTls tls;
    private final EmulatedLink link;
    private final Map<String, Deque<BlobConnection>> idle = new ConcurrentHashMap<>();
    private final Set<BlobConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong opened = new AtomicLong();
    private volatile boolean closed;

    BlobConnections(BlobClient.Settings settings, BlobAuth auth, BlobTls tls, EmulatedLink link) {
        this.tls = tls;
        this.link = link;
        this.settings = settings;
        this.auth = auth;
    }

    BlobConnection borrow(BlobRef ref) throws BlobFetchException {
        String peer = BlobClient.peer(ref);
        Deque<BlobConnection> q = idle.get(peer);
        if (q != null) {
            long now = System.nanoTime();
            for (BlobConnection c; (c = q.pollFirst()) != null; ) {
                if (c.channel().isOpen() && c.idleNanos(now) < settings.maxIdle().toNanos()) return c;
                discard(c);
            }
        }
        return connect(ref, peer);
    }

    private BlobConnection connect(BlobRef ref, String peer) throws BlobFetchException {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(new InetSocketAddress(ref.host(), ref.port()), (int) settings.connectTimeout().toMillis());
        } catch (IOException | IllegalArgumentException e) { // incl. UnresolvedAddressException {
            closeQuietly(ch);
            throw new BlobFetchException(BlobFetchException.Reason.UNREACHABLE, ref, "blob server " + peer
                    + " unreachable (node down or wrong address) fetching blob " + BlobClient.describe(ref) + ": " + e, e);
        }
        BlobConnection c = new BlobConnection(ch, peer, settings.chunkBytes(), auth, tls, link);
        opened.incrementAndGet();
        open.add(c);
        if (closed) {
            discard(c);
            throw new BlobFetchException(BlobFetchException.Reason.CLOSED, ref, "the BlobClient is closed", null);
        }
        return c;
    }

    /** Takes back a connection whose last answer was read completely. */
    void release(BlobConnection c) {
        c.markIdle(System.nanoTime());
        Deque<BlobConnection> q = idle.computeIfAbsent(c.peer(), p -> new ConcurrentLinkedDeque<>());
        if (closed || q.size() >= settings.maxIdlePerPeer()) {
            discard(c);
            return;
        }
        q.offerFirst(c);
        if (closed) discard(c); // raced with close(): it may have missed this one
    }

    /** Closes a connection that is broken, in an unknown state, or not wanted. */
    void discard(BlobConnection c) {
        open.remove(c);
        c.close();
    }

    /** Connections opened since the start: with pooling, about one per peer and concurrent fetch. */
    long opened() {
        return opened.get();
    }

    /** Closes every connection, idle or in use (fetches under way then fail). */
    @Override
    public void close() {
        closed = true;
        for (BlobConnection c : open) discard(c);
        idle.clear();
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // the connection attempt already failed; that is the error reported
        }
    }
}
