package org.elasticscrl.protocol.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the blobs of its {@link BlobStore} to peers over persistent TCP connections (framing in
 * {@link BlobWire}): blocking NIO, a thread per connection — peers are few and transfers large, so
 * this is the fastest plain shape — and each response written straight from the stored buffer. A
 * client stalled longer than the write timeout, or idle longer than the idle timeout, is disconnected.
 * {@link #close()} closes every connection, so transfers under way fail fast at the client, and drops
 * the store's blobs.
 */
public final class BlobServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BlobServer.class.getName());

    /**
     * @param maxConnections connections served at once; more are closed on accept
     * @param writeTimeout a response making no progress this long is abandoned
     * @param idleTimeout a connection without a request this long is closed (clients reconnect)
     * @param handshakeTimeout a connection must finish its opening (greeting and proofs) within this,
     *     however slowly it trickles bytes
     * @param openingPerAddress connections one address may have in their opening at once; more are
     *     closed on accept
     */
    public record Settings(int maxConnections, Duration writeTimeout, Duration idleTimeout, Duration handshakeTimeout,
            int openingPerAddress) {
        public static final Settings DEFAULT = new Settings(256, Duration.ofSeconds(30), Duration.ofMinutes(2),
                Duration.ofSeconds(5), 16);

        public Settings {
            if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1");
            if (openingPerAddress < 1) throw new IllegalArgumentException("openingPerAddress must be >= 1");
            for (Duration d : new Duration[] {writeTimeout, idleTimeout, handshakeTimeout}) {
                if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeouts must be positive: " + this);
            }
        }

        public Settings withMaxConnections(int n) {
            return new Settings(n, writeTimeout, idleTimeout, handshakeTimeout, openingPerAddress);
        }

        public Settings withWriteTimeout(Duration d) {
            return new Settings(maxConnections, d, idleTimeout, handshakeTimeout, openingPerAddress);
        }

        public Settings withIdleTimeout(Duration d) {
            return new Settings(maxConnections, writeTimeout, d, handshakeTimeout, openingPerAddress);
        }

        public Settings withHandshake(Duration timeout, int perAddress) {
            return new Settings(maxConnections, writeTimeout, idleTimeout, timeout, perAddress);
        }
    }

    /** Direct buffers are written whole per syscall window; heap ones go through a JDK temporary buffer. */
    /** Bytes handed to one socket write from a direct payload (a benchmark's raw copy writes the same). */
    public static final int DIRECT_WINDOW = 8 << 20;
    private static final int HEAP_WINDOW = 1 << 20;

    private final Settings settings;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final BlobStore store;
    private final BlobAuth auth;
    private final BlobTls tls;
    /** The node's emulated link (benchmarks), or null. */
    private final EmulatedLink link;
    private final ExecutorService handlers;
    private final Watchdog watchdog;
    private final Thread acceptor;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final OpeningConnections opening;
    private volatile boolean closed;

    private BlobServer(ServerSocketChannel server, String advertisedHost, int advertisedPort, Settings settings,
            BlobAuth auth, BlobTls tls, EmulatedLink link) {
        this.settings = settings;
        this.link = link;
        this.auth = auth;
        this.tls = tls;
        this.server = server;
        this.address = (InetSocketAddress) socketAddress(server);
        int port = address.getPort();
        // a server that serves only proven peers announces each payload's digest too: proving the peer
        // does not keep the bytes from being altered on the way. Over TLS every record's tag does that
        // already, and a digest the server computes itself proves nothing against the server.
        this.store = new BlobStore(advertisedHost, advertisedPort > 0 ? advertisedPort : port, System::nanoTime,
                auth.required() && !tls.enabled());
        this.opening = new OpeningConnections(settings.openingPerAddress());
        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(0, settings.maxConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "scrl-blob-server-" + port + "-" + n.incrementAndGet()));
        Duration shortest = java.util.stream.Stream.of(settings.writeTimeout(), settings.idleTimeout(),
                settings.handshakeTimeout()).min(Duration::compareTo).orElseThrow();
        this.watchdog = new Watchdog("scrl-blob-server-" + port + "-watchdog", shortest.dividedBy(4));
        this.acceptor = daemon(this::acceptLoop, "scrl-blob-server-" + port + "-accept");
        acceptor.start();
    }

    /** Binds {@code host:port} (port 0: an ephemeral one) and advertises {@code host} in refs. */
    public static BlobServer start(String host, int port) throws IOException {
        return start(host, port, BlobAuth.NONE);
    }

    /** As {@link #start(String, int)}, serving only peers that prove the cluster secret when {@code auth} has one. */
    public static BlobServer start(String host, int port, BlobAuth auth) throws IOException {
        return start(new InetSocketAddress(host, port), host, Settings.DEFAULT, auth);
    }

    /** Binds {@code bind} (e.g. the wildcard address) and advertises {@code advertisedHost} in refs. */
    public static BlobServer start(InetSocketAddress bind, String advertisedHost, Settings settings)
            throws IOException {
        return start(bind, advertisedHost, settings, BlobAuth.NONE);
    }

    public static BlobServer start(InetSocketAddress bind, String advertisedHost, Settings settings, BlobAuth auth)
            throws IOException {
        return start(bind, advertisedHost, settings, auth, BlobTls.NONE);
    }

    /** As the others, over TLS when {@code tls} is on (a client must show a certificate the node trusts). */
    public static BlobServer start(InetSocketAddress bind, String advertisedHost, Settings settings, BlobAuth auth,
            BlobTls tls) throws IOException {
        return start(bind, InetSocketAddress.createUnresolved(advertisedHost, 0), settings, auth, tls);
    }

    /**
     * Binds {@code bind} and advertises {@code advertised} in refs — its port 0: the bound one. Another
     * port is for a node reached through a forwarded port (a container's published port, a NAT).
     */
    public static BlobServer start(InetSocketAddress bind, InetSocketAddress advertised, Settings settings,
            BlobAuth auth, BlobTls tls) throws IOException {
        return start(bind, advertised, settings, auth, tls, null);
    }

    /** As the others, every connection through {@code link} (null: none) once opened — a benchmark's emulated NIC. */
    public static BlobServer start(InetSocketAddress bind, InetSocketAddress advertised, Settings settings,
            BlobAuth auth, BlobTls tls, EmulatedLink link) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(bind, 64);
            return new BlobServer(ch, advertised.getHostString(), advertised.getPort(), settings, auth, tls, link);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The blobs this server offers; refs from it point here. */
    public BlobStore store() {
        return store;
    }

    /** The bound address (with the actual port when started on port 0). */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** Connections from {@code peer} still in their opening (handshake). */
    public int openingFrom(java.net.InetAddress peer) {
        return opening.opening(peer);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(Level.ERROR, "blob server " + address + " stopped accepting", e);
                return;
            }
            java.net.InetAddress peer = peerAddress(ch);
            OpeningConnections.Admission admitted = opening.open(peer);
            if (admitted != OpeningConnections.Admission.ADMITTED) {
                if (admitted == OpeningConnections.Admission.REFUSED_REPORT) {
                    LOG.log(Level.WARNING, "blob server " + address + " refused connections from " + peer + ": "
                            + settings.openingPerAddress() + " of its connections are still opening (reported once"
                            + " until they end)");
                }
                closeQuietly(ch);
                continue;
            }
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connections.add(ch);
                if (closed) throw new RejectedExecutionException("closed");
                handlers.execute(() -> serve(ch, peer));
            } catch (IOException | RejectedExecutionException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "blob server " + address + " refused a connection (at most "
                            + settings.maxConnections() + " at once): " + e);
                }
                connections.remove(ch);
                opening.done(peer);
                closeQuietly(ch);
            }
        }
    }

    private static java.net.InetAddress peerAddress(SocketChannel ch) {
        try {
            return ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
        } catch (IOException | RuntimeException e) {
            return java.net.InetAddress.getLoopbackAddress(); // already gone: counted under one key, closed soon
        }
    }

    /** One persistent connection: requests answered one after another until the peer hangs up. */
    private void serve(SocketChannel ch, java.net.InetAddress from) {
        ByteBuffer request = ByteBuffer.allocateDirect(BlobWire.REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer head = ByteBuffer.allocateDirect(BlobWire.RESPONSE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        String peer = from.getHostAddress();
        try {
            ByteChannel io;
            try {
                io = opened(ch, peer);
                if (io == null) {
                    return;
                }
            } finally {
                opening.done(from);
            }
            while (!closed) {
                request.clear();
                try (Watchdog.Watch w = watchdog.watch(ch, settings.idleTimeout())) {
                    if (!BlobWire.readFully(io, request, w)) return; // the client hung up between requests
                }
                int magic = request.getInt(0);
                if (magic != BlobWire.REQUEST_MAGIC) {
                    LOG.log(Level.WARNING, String.format("blob server %s: %s sent magic 0x%08x, not a blob request "
                            + "of this transport version; closing the connection", address, peer, magic));
                    return;
                }
                ByteBuffer blob = store.get(request.getLong(4));
                head.clear().putLong(blob == null ? BlobWire.NOT_FOUND : blob.remaining()).flip();
                ByteBuffer body = blob == null ? ByteBuffer.allocate(0) : blob;
                try (Watchdog.Watch w = watchdog.watch(ch, settings.writeTimeout())) {
                    BlobWire.writeFully(io, head, body, body.isDirect() ? DIRECT_WINDOW : HEAP_WINDOW, w);
                }
            }
        } catch (IOException e) {
            // the peer went away or stalled; it sees the failure on its side, this node carries on
            if (!closed) LOG.log(Level.DEBUG, "blob server " + address + ": connection from " + peer + " ended: " + e);
        } finally {
            connections.remove(ch);
            closeQuietly(ch);
        }
    }

    /**
     * The connection's opening (TLS when on, greeting, proofs) within the handshake deadline: what
     * requests and answers go through, or null when the peer was refused (logged).
     */
    private ByteChannel opened(SocketChannel ch, String peer) throws IOException {
        Watchdog.Watch w = watchdog.deadline(ch, settings.handshakeTimeout());
        try (w) {
            ByteChannel io;
            try {
                io = tls.server(ch);
            } catch (javax.net.ssl.SSLException e) {
                LOG.log(Level.WARNING, "blob server " + address + " refused a connection from " + peer
                        + ": its TLS handshake failed (" + e.getMessage() + ")");
                return null;
            }
            auth.server(io, peer, w);
            return link == null ? io : link.shape(io);
        } catch (BlobAuth.Refused e) {
            LOG.log(Level.WARNING, "blob server " + address + " refused a connection: " + e.getMessage());
            return null;
        } catch (IOException e) {
            if (w.expired()) {
                LOG.log(Level.WARNING, "blob server " + address + " closed a connection from " + peer
                        + ": it did not finish its opening within " + settings.handshakeTimeout().toSeconds() + " s");
            }
            throw e;
        }
    }

    /** Stops accepting, closes every connection (transfers under way fail at the client) and joins threads. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        closeQuietly(server);
        for (SocketChannel ch : connections) closeQuietly(ch);
        handlers.shutdownNow();
        watchdog.close();
        store.close();
        try {
            acceptor.join(2000);
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "blob server " + address + ": connection threads still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static java.net.SocketAddress socketAddress(ServerSocketChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing on a failure path: the original problem is what matters
        }
    }
}
