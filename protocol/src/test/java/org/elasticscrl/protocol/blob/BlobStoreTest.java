package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;
import org.junit.jupiter.api.Test;

class BlobStoreTest {
    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final BlobStore store = new BlobStore("node-a", 7000, now::get, false);

    @Test
    void putOffersAReadOnlyViewOfTheBytesBetweenPositionAndLimit() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}).position(1).limit(4);
        BlobRef ref = store.put(b);
        assertEquals(new BlobRef("node-a", 7000, ref.id(), 3), ref);
        assertEquals(1, b.position(), "the caller's buffer is not moved");
        ByteBuffer got = store.get(ref.id());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), got);
        assertThrows(ReadOnlyBufferException.class, () -> got.put(0, (byte) 7));
        got.get();
        assertEquals(0, store.get(ref.id()).position(), "every lookup gets its own view");
    }

    @Test
    void aRefIsReadLocallyOnlyFromTheStoreItNames() {
        BlobRef ref = store.put(ByteBuffer.wrap(new byte[] {4, 5}));
        assertEquals(ByteBuffer.wrap(new byte[] {4, 5}), store.local(ref));
        assertNull(store.local(new BlobRef("node-a", 7001, ref.id(), 2)), "another node's blob of the same id");
        assertNull(store.local(new BlobRef("node-b", 7000, ref.id(), 2)), "another host");
        store.remove(ref);
        assertNull(store.local(ref), "removed");
    }

    @Test
    void idsAreRandomAndRemovalIsFinal() {
        BlobRef a = store.put(ByteBuffer.allocate(1));
        BlobRef b = store.put(ByteBuffer.allocate(1));
        assertNotEquals(a.id(), b.id());
        assertTrue(store.remove(a));
        assertFalse(store.remove(a));
        assertNull(store.get(a.id()));
        assertEquals(1, store.size());
    }

    @Test
    void blobsExpireAfterTheirTtlOnly() {
        BlobRef shortLived = store.put(ByteBuffer.allocate(1), Duration.ofSeconds(10));
        BlobRef forever = store.put(ByteBuffer.allocate(1));
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertEquals(1, store.get(shortLived.id()).remaining());
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertNull(store.get(shortLived.id()));
        assertEquals(1, store.get(forever.id()).remaining());
        assertThrows(IllegalArgumentException.class, () -> store.put(ByteBuffer.allocate(1), Duration.ZERO));
    }

    @Test
    void expiredBlobsAreSweptOnPut() {
        store.put(ByteBuffer.allocate(1), Duration.ofMillis(1));
        store.put(ByteBuffer.allocate(1), Duration.ofDays(365_000)); // saturates, never expires
        now.addAndGet(Duration.ofMillis(2).toNanos());
        store.put(ByteBuffer.allocate(1));
        assertEquals(2, store.size());
    }
}
