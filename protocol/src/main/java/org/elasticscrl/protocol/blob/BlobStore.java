package org.elasticscrl.protocol.blob;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.elasticscrl.protocol.BlobRef;

/**
 * The payloads a node offers to its peers, by random 64-bit id: random so that a stale reference
 * (a blob removed, a node restarted) finds nothing rather than another payload. The store keeps a
 * read-only view of each buffer — no copy — so the owner must not write into a buffer while a peer may
 * still read it: removal stops new transfers, not those under way. Use a fresh buffer per payload, or
 * reuse one only once every reader has confirmed (e.g. the step's {@code UpdateApplied}). Expiry is lazy:
 * checked on lookup and swept on every put, so no thread is needed.
 */
public final class BlobStore implements AutoCloseable {
    /** {@code ttlNanos} < 0: never expires. Differences of nanoTime stay exact where sums could overflow. */
    private record Entry(ByteBuffer payload, long putAtNanos, long ttlNanos) {
        boolean expired(long now) {
            return ttlNanos >= 0 && now - putAtNanos >= ttlNanos;
        }
    }

    private final String host;
    private final int port;
    private final LongSupplier nanoClock;
    private final boolean digests;
    private final Map<Long, Entry> blobs = new ConcurrentHashMap<>();

    /** A store whose refs point at the blob server reachable at {@code host:port}. */
    public BlobStore(String host, int port) {
        this(host, port, System::nanoTime, false);
    }

    /**
     * With an injected clock ({@link System#nanoTime()} semantics), for tests of expiry; {@code digests}:
     * each ref carries its payload's SHA-256, which receivers check.
     */
    public BlobStore(String host, int port, LongSupplier nanoClock, boolean digests) {
        this.host = host;
        this.port = port;
        this.nanoClock = nanoClock;
        this.digests = digests;
    }

    /** Offers the bytes between {@code payload}'s position and limit until removed. */
    public BlobRef put(ByteBuffer payload) {
        return put(payload, -1);
    }

    /** Offers the bytes between {@code payload}'s position and limit until removed or {@code ttl} passed. */
    public BlobRef put(ByteBuffer payload, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        // ~292 years and beyond overflow nanoseconds: that is "never" in practice
        long ttlNanos = ttl.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : ttl.toNanos();
        return put(payload, ttlNanos);
    }

    private BlobRef put(ByteBuffer payload, long ttlNanos) {
        sweep();
        ByteBuffer view = payload.slice().asReadOnlyBuffer();
        Entry e = new Entry(view, nanoClock.getAsLong(), ttlNanos);
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (blobs.putIfAbsent(id, e) != null);
        return new BlobRef(host, port, id, view.remaining(), digests ? PayloadDigest.of(view.duplicate()) : "");
    }

    /** A fresh read-only view of the blob (position 0), or {@code null} if unknown, removed or expired. */
    public ByteBuffer get(long id) {
        Entry e = blobs.get(id);
        if (e == null) return null;
        if (e.expired(nanoClock.getAsLong())) {
            blobs.remove(id, e);
            return null;
        }
        return e.payload.duplicate();
    }

    /**
     * A fresh view of the blob {@code ref} names when this store is the one serving it (its host, port and id), else
     * {@code null}: a node reads its own payloads here instead of fetching them from itself.
     */
    public ByteBuffer local(BlobRef ref) {
        return ref.host().equals(host) && ref.port() == port ? get(ref.id()) : null;
    }

    /** Stops offering a blob; transfers already under way finish. Returns whether it was there. */
    public boolean remove(long id) {
        return blobs.remove(id) != null;
    }

    public boolean remove(BlobRef ref) {
        return remove(ref.id());
    }

    /** Blobs currently offered (expired ones may count until the next put or lookup). */
    public int size() {
        return blobs.size();
    }

    public void clear() {
        blobs.clear();
    }

    /** Drops every blob (so their buffers can be freed); the store holds no thread or socket. */
    @Override
    public void close() {
        clear();
    }

    private void sweep() {
        long now = nanoClock.getAsLong();
        blobs.values().removeIf(e -> e.expired(now));
    }
}
