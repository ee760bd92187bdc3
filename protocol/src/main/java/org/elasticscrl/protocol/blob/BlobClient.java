package org.elasticscrl.protocol.blob;

import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.CLOSED;
import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.CONNECTION_LOST;
import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.INTEGRITY;
import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.NOT_FOUND;
import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.PROTOCOL;
import static org.elasticscrl.protocol.blob.BlobFetchException.Reason.TIMEOUT;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticscrl.protocol.BlobRef;

/**
 * Fetches blobs from peers' {@link BlobServer}s on a small pool of threads, over pooled persistent
 * connections ({@link BlobConnections}). A fetch either returns the whole blob in a new direct buffer
 * (read straight from the socket into it) or streams it through a {@link ChunkConsumer} in bounded
 * chunks, so a receiver can sum a gradient while it arrives. Every failure completes the future with
 * a {@link BlobFetchException} whose reason says what happened; nothing waits without a timeout.
 */
public final class BlobClient implements AutoCloseable {
    /**
     * @param threads fetches under way at once (more wait in a queue)
     * @param chunkBytes size of a streamed chunk, and of each connection's receive buffer
     * @param connectTimeout how long a connection attempt may take
     * @param readTimeout how long a peer may send nothing while a response is due
     * @param maxIdle how long an unused connection stays pooled (below the server's idle timeout)
     * @param maxIdlePerPeer pooled connections kept per peer
     */
    public record Settings(int threads, int chunkBytes, Duration connectTimeout, Duration readTimeout,
            Duration maxIdle, int maxIdlePerPeer) {
        /** 64 KiB chunks stay in L2 between the socket read and the consumer: the fastest aggregation measured. */
        public static final Settings DEFAULT = new Settings(4, 64 << 10, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(60), 4);

        public Settings {
            if (threads < 1 || chunkBytes < 16 || maxIdlePerPeer < 0) {
                throw new IllegalArgumentException("need threads >= 1, chunkBytes >= 16, maxIdlePerPeer >= 0: " + this);
            }
            for (Duration d : new Duration[] {connectTimeout, readTimeout, maxIdle}) {
                if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeouts must be positive: " + this);
            }
        }

        public Settings withThreads(int n) {
            return new Settings(n, chunkBytes, connectTimeout, readTimeout, maxIdle, maxIdlePerPeer);
        }

        public Settings withChunkBytes(int n) {
            return new Settings(threads, n, connectTimeout, readTimeout, maxIdle, maxIdlePerPeer);
        }

        public Settings withConnectTimeout(Duration d) {
            return new Settings(threads, chunkBytes, d, readTimeout, maxIdle, maxIdlePerPeer);
        }

        public Settings withReadTimeout(Duration d) {
            return new Settings(threads, chunkBytes, connectTimeout, d, maxIdle, maxIdlePerPeer);
        }
    }

    private final Settings settings;
    private final ExecutorService executor;
    private final Watchdog watchdog;
    private final BlobConnections connections;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public BlobClient() {
        this(Settings.DEFAULT);
    }

    public BlobClient(Settings settings) {
        this(settings, BlobAuth.NONE);
    }

    /** A client that proves the cluster secret to servers (and checks theirs) when {@code auth} has one. */
    public BlobClient(Settings settings, BlobAuth auth) {
        this(settings, auth, BlobTls.NONE);
    }

    /** As {@link #BlobClient(Settings, BlobAuth)}, over TLS when {@code tls} is on. */
    public BlobClient(Settings settings, BlobAuth auth, BlobTls tls) {
        this(settings, auth, tls, null);
    }

    /** As {@link #BlobClient(Settings, BlobAuth, BlobTls)}, every connection through {@code link} (null: none). */
    public BlobClient(Settings settings, BlobAuth auth, BlobTls tls, EmulatedLink link) {
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "scrl-blob-client-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Duration every = settings.readTimeout().dividedBy(4);
        this.watchdog = new Watchdog("scrl-blob-client-watchdog", every);
        this.connections = new BlobConnections(settings, auth, tls, link);
    }

    /** The whole blob, in a new direct buffer (position 0, limit its length). */
    public CompletableFuture<ByteBuffer> fetch(BlobRef ref) {
        return submit(ref, (conn, length, progress) -> {
            if (length > Integer.MAX_VALUE) {
                throw new BlobFetchException(PROTOCOL, ref, "blob " + describe(ref) + " has " + length
                        + " bytes, more than one buffer holds: stream it with fetch(ref, consumer)", null);
            }
            ByteBuffer dst = ByteBuffer.allocateDirect((int) length);
            conn.readBody(dst, progress);
            dst.flip();
            if (!ref.sha256().isEmpty()) {
                checkDigest(ref, PayloadDigest.of(dst));
            }
            return dst;
        });
    }

    /**
     * Streams the blob through {@code consumer}, in order, in chunks of at most {@link Settings#chunkBytes()};
     * completes with the number of bytes delivered. A consumer exception fails the future with it.
     */
    public CompletableFuture<Long> fetch(BlobRef ref, ChunkConsumer consumer) {
        return submit(ref, (conn, length, progress) -> {
            if (ref.sha256().isEmpty()) {
                conn.streamBody(length, consumer, progress);
                return length;
            }
            // the consumer has taken the bytes by the time they prove false: the fetch fails, and a
            // caller summing while streaming discards that sum (as for any transfer failing midway)
            PayloadDigest digest = new PayloadDigest();
            conn.streamBody(length, chunk -> {
                digest.update(chunk);
                consumer.accept(chunk);
            }, progress);
            checkDigest(ref, digest.hex());
            return length;
        });
    }

    private static void checkDigest(BlobRef ref, String received) throws BlobFetchException {
        if (!received.equals(ref.sha256())) {
            throw new BlobFetchException(INTEGRITY, ref, "blob " + describe(ref) + " from " + peer(ref)
                    + " does not match its announced SHA-256 (received " + received.substring(0, 12) + "…, announced "
                    + ref.sha256().substring(0, 12) + "…): altered on the way or by its server; refused", null);
        }
    }

    /** Connections opened so far (a diagnostic: persistent connections keep it near the number of peers). */
    public long connectionsOpened() {
        return connections.opened();
    }

    /** Reads a response body of {@code length} bytes off a connection whose header is consumed. */
    @FunctionalInterface
    private interface Body<T> {
        T read(BlobConnection conn, long length, BlobConnection.Progress progress) throws Exception;
    }

    private <T> CompletableFuture<T> submit(BlobRef ref, Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(closedError(ref));
            return f;
        }
        pending.add(f);
        f.whenComplete((v, e) -> pending.remove(f));
        try {
            executor.execute(() -> run(ref, body, f));
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(closedError(ref));
        }
        return f;
    }

    private <T> void run(BlobRef ref, Body<T> body, CompletableFuture<T> f) {
        if (f.isDone()) return; // cancelled, or failed by close(), before it started
        try {
            f.complete(attempt(ref, body, f, true));
        } catch (Throwable e) {
            f.completeExceptionally(e);
        }
    }

    /** One request on a pooled or new connection; a stale pooled one that fails before answering is retried once. */
    private <T> T attempt(BlobRef ref, Body<T> body, CompletableFuture<T> f, boolean mayRetry) throws Exception {
        BlobConnection conn = connections.borrow(ref);
        BlobConnection.Progress progress = new BlobConnection.Progress(f);
        boolean clean = false;
        try (Watchdog.Watch watch = watchdog.watch(conn.channel(), settings.readTimeout())) {
            progress.watch = watch;
            try {
                long length = conn.request(ref.id(), progress);
                if (length == BlobWire.NOT_FOUND) {
                    clean = true;
                    throw new BlobFetchException(NOT_FOUND, ref, "blob " + describe(ref)
                            + " not found: removed, expired, or the node restarted", null);
                }
                if (length < 0 || (ref.bytes() >= 0 && length != ref.bytes())) {
                    throw new BlobFetchException(PROTOCOL, ref, "blob " + describe(ref) + " answered with length "
                            + length + ", the ref says " + ref.bytes(), null);
                }
                progress.length = length;
                T result = body.read(conn, length, progress);
                clean = true;
                return result;
            } catch (BlobConnection.ConsumerFailed e) {
                throw (Exception) e.getCause(); // the consumer's own exception, as documented
            } catch (IOException e) {
                if (e instanceof BlobFetchException) throw e;
                if (e instanceof BlobAuth.Refused) throw new BlobFetchException(PROTOCOL, ref, e.getMessage(), e);
                if (watch.expired()) {
                    throw new BlobFetchException(TIMEOUT, ref, "no data from " + peer(ref) + " for "
                            + settings.readTimeout().toMillis() + " ms while fetching blob " + describe(ref)
                            + progress.describe(), e);
                }
                if (closed || f.isCancelled()) throw closedError(ref);
                if (mayRetry && conn.reused() && progress.received < 0) {
                    connections.discard(conn);
                    return attempt(ref, body, f, false); // a pooled connection the peer had dropped
                }
                throw new BlobFetchException(CONNECTION_LOST, ref, "connection to " + peer(ref) + " lost while fetching "
                        + "blob " + describe(ref) + progress.describe() + ": " + e, e);
            }
        } finally {
            if (clean && !f.isCancelled()) connections.release(conn);
            else connections.discard(conn);
        }
    }

    /** Fails fetches under way or queued ({@link BlobFetchException.Reason#CLOSED}), closes connections, joins threads. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // fail the futures first, so they report CLOSED, not what the interrupted transfers throw next
        for (CompletableFuture<?> f : pending) f.completeExceptionally(closedError(null));
        executor.shutdownNow();
        connections.close();
        watchdog.close();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static BlobFetchException closedError(BlobRef ref) {
        return new BlobFetchException(CLOSED, ref, "blob fetch "
                + (ref == null ? "" : describe(ref) + " ") + "abandoned: the BlobClient is closed or the fetch cancelled",
                null);
    }

    static String peer(BlobRef ref) {
        return ref.host() + ":" + ref.port();
    }

    static String describe(BlobRef ref) {
        return String.format("%016x@%s", ref.id(), peer(ref));
    }
}
