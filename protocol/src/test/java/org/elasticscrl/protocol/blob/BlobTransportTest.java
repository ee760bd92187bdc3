package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.tensor.FloatAdder;
import org.elasticscrl.protocol.tensor.PayloadSummer;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobTransportTest {
    private static final int CHUNK = 64 << 10;
    private BlobServer server;
    private BlobClient client;

    @BeforeEach
    void start() throws IOException {
        server = BlobServer.start("127.0.0.1", 0);
        client = new BlobClient(BlobClient.Settings.DEFAULT.withChunkBytes(CHUNK).withReadTimeout(Duration.ofSeconds(5)));
    }

    /** A pool's thread may still be finishing its last instructions as close() returns: allow it a moment. */
    @AfterEach
    void stopAndCheckNoThreadLeft() throws InterruptedException {
        client.close();
        server.close();
        List<String> left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith("scrl-blob-")) continue;
            t.join(2000);
            if (t.isAlive()) left.add(t.getName());
        }
        assertEquals(List.of(), left, "threads left running after close");
    }

    private static ByteBuffer randomBytes(int n, long seed, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        SplittableRandom r = new SplittableRandom(seed);
        while (b.remaining() >= 8) b.putLong(r.nextLong());
        while (b.hasRemaining()) b.put((byte) r.nextInt());
        return b.flip();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS); // a hang fails the test instead of stalling the build
    }

    private static BlobFetchException failure(CompletableFuture<?> f) {
        var e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(BlobFetchException.class, e.getCause());
    }

    @Test
    void fetchesSmallAndEmptyBlobsOverOnePersistentConnection() throws Exception {
        ByteBuffer hello = ByteBuffer.wrap("hello".getBytes());
        BlobRef ref = server.store().put(hello);
        assertEquals(new BlobRef("127.0.0.1", server.port(), ref.id(), 5), ref);
        for (int i = 0; i < 10; i++) assertEquals(hello, await(client.fetch(ref)));
        BlobRef empty = server.store().put(ByteBuffer.allocate(0));
        assertEquals(0, await(client.fetch(empty)).remaining());
        assertEquals(0L, await(client.fetch(empty, chunk -> {
            throw new AssertionError("no chunk for an empty blob");
        })));
        assertEquals(1, client.connectionsOpened(), "sequential fetches reuse one connection");
    }

    @Test
    void fetchesA100MegabyteTensorWholeAndStreamedIntoAnAccumulator() throws Exception {
        float[] grad = new float[25_000_000];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < grad.length; i += 997) grad[i] = (float) r.nextGaussian();
        float[] bn = {1, 2, 3};
        ByteBuffer payload = TensorCodec.encode(DType.F32, grad, bn);
        BlobRef ref = server.store().put(payload);
        assertEquals(TensorCodec.encodedBytes(DType.F32, grad, bn), ref.bytes());

        ByteBuffer whole = await(client.fetch(ref));
        assertTrue(whole.isDirect());
        assertEquals(-1, whole.mismatch(payload));

        float[] acc = new float[grad.length + bn.length];
        PayloadSummer summer = new PayloadSummer(FloatAdder.into(acc));
        AtomicInteger chunks = new AtomicInteger();
        assertEquals(ref.bytes(), await(client.fetch(ref, chunk -> {
            assertTrue(chunk.remaining() <= CHUNK);
            chunks.incrementAndGet();
            summer.accept(chunk);
        })));
        summer.finish();
        assertEquals((ref.bytes() + CHUNK - 1) / CHUNK, chunks.get());
        for (int i = 0; i < grad.length; i += 997) assertEquals(grad[i], acc[i]);
        assertArrayEquals(bn, java.util.Arrays.copyOfRange(acc, grad.length, acc.length));
    }

    @Test
    void streamingDeliversEveryByteInOrderInFullChunks() throws Exception {
        ByteBuffer heapBlob = randomBytes(10_000_019, 7, false); // heap: served through bounded windows
        BlobRef ref = server.store().put(heapBlob);
        AtomicLong offset = new AtomicLong();
        await(client.fetch(ref, chunk -> {
            long at = offset.get();
            if (at + chunk.remaining() < ref.bytes()) assertEquals(CHUNK, chunk.remaining(), "only the last is short");
            ByteBuffer expected = heapBlob.duplicate().position((int) at).limit((int) at + chunk.remaining());
            assertEquals(expected, chunk, "bytes at " + at);
            offset.addAndGet(chunk.remaining());
            chunk.position(chunk.limit());
        }));
        assertEquals(ref.bytes(), offset.get());
    }

    @Test
    void concurrentFetchesFromTwoServersAllArriveIntact() throws Exception {
        try (BlobServer second = BlobServer.start("127.0.0.1", 0)) {
            List<ByteBuffer> blobs = new ArrayList<>();
            List<BlobRef> refs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ByteBuffer b = randomBytes(1_000_000 + 31 * i, i, i % 2 == 0);
                blobs.add(b);
                refs.add((i % 3 == 0 ? second : server).store().put(b));
            }
            List<CompletableFuture<ByteBuffer>> fetches = new ArrayList<>();
            for (int round = 0; round < 3; round++) for (BlobRef ref : refs) fetches.add(client.fetch(ref));
            for (int i = 0; i < fetches.size(); i++) {
                assertEquals(-1, await(fetches.get(i)).mismatch(blobs.get(i % blobs.size())), "fetch " + i);
            }
            assertTrue(client.connectionsOpened() <= 2 * BlobClient.Settings.DEFAULT.threads(),
                    client.connectionsOpened() + " connections for 4 threads and 2 peers");
        }
    }

    @Test
    void unknownRemovedAndExpiredBlobsAreNotFound() throws Exception {
        BlobRef ref = server.store().put(ByteBuffer.allocate(10));
        BlobRef unknown = new BlobRef("127.0.0.1", server.port(), ref.id() ^ 1, 10);
        var e = failure(client.fetch(unknown));
        assertEquals(BlobFetchException.Reason.NOT_FOUND, e.reason());
        assertSame(unknown, e.ref());
        assertTrue(e.getMessage().contains("not found: removed, expired, or the node restarted"), e.getMessage());
        server.store().remove(ref);
        assertEquals(BlobFetchException.Reason.NOT_FOUND, failure(client.fetch(ref, c -> {})).reason());
        BlobRef shortLived = server.store().put(ByteBuffer.allocate(10), Duration.ofMillis(1));
        Thread.sleep(5);
        assertEquals(BlobFetchException.Reason.NOT_FOUND, failure(client.fetch(shortLived)).reason());
        assertEquals(1, client.connectionsOpened(), "a not-found answer leaves the connection usable");
    }

    @Test
    void aLengthOtherThanTheRefSaysIsAProtocolError() {
        BlobRef ref = server.store().put(ByteBuffer.allocate(10));
        var e = failure(client.fetch(new BlobRef(ref.host(), ref.port(), ref.id(), 11)));
        assertEquals(BlobFetchException.Reason.PROTOCOL, e.reason());
        assertTrue(e.getMessage().contains("answered with length 10, the ref says 11"), e.getMessage());
    }

    @Test
    void aPeerThatIsDownIsUnreachableEvenWithAPooledConnection() throws Exception {
        BlobRef ref = server.store().put(ByteBuffer.allocate(10));
        await(client.fetch(ref)); // leaves a pooled connection to the server
        server.close();
        var e = failure(client.fetch(ref));
        assertEquals(BlobFetchException.Reason.UNREACHABLE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("blob server 127.0.0.1:" + ref.port() + " unreachable"), e.getMessage());
    }

    @Test
    void serverClosedMidTransferFailsTheFetchInsteadOfHanging() throws Exception {
        BlobRef ref = server.store().put(ByteBuffer.allocateDirect(256 << 20));
        CompletableFuture<Long> f = client.fetch(ref, chunk -> server.close()); // at the first chunk
        var e = failure(f);
        assertEquals(BlobFetchException.Reason.CONNECTION_LOST, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("bytes received)") && e.getMessage().contains("of " + ref.bytes()),
                e.getMessage());
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        try (ServerSocketChannel silent = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                BlobClient impatient = new BlobClient(BlobClient.Settings.DEFAULT.withReadTimeout(Duration.ofMillis(300)))) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            long start = System.nanoTime();
            var e = failure(impatient.fetch(new BlobRef("127.0.0.1", port, 1, 10)));
            assertEquals(BlobFetchException.Reason.TIMEOUT, e.reason(), e.getMessage());
            assertTrue(e.getMessage().startsWith("no data from 127.0.0.1:" + port + " for 300 ms"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aConsumerExceptionFailsTheFetchWithItAndTheClientCarriesOn() throws Exception {
        BlobRef ref = server.store().put(randomBytes(1_000_000, 3, true));
        var boom = new IllegalStateException("accumulator full");
        var e = assertThrows(ExecutionException.class, () -> client.fetch(ref, c -> {
            throw boom;
        }).get(30, TimeUnit.SECONDS));
        assertSame(boom, e.getCause());
        assertEquals(ref.bytes(), await(client.fetch(ref)).remaining());
    }

    @Test
    void closingTheClientFailsFetchesUnderWayAndLaterOnes() throws Exception {
        BlobRef ref = server.store().put(ByteBuffer.allocateDirect(64 << 20));
        CompletableFuture<Long> slow = client.fetch(ref, chunk -> Thread.sleep(50));
        Thread.sleep(200);
        client.close();
        assertEquals(BlobFetchException.Reason.CLOSED, failure(slow).reason());
        assertEquals(BlobFetchException.Reason.CLOSED, failure(client.fetch(ref)).reason());
    }

    @Test
    void theServerHangsUpOnRequestsOfAnotherTransport() throws Exception {
        try (SocketChannel ch = SocketChannel.open(server.address())) {
            ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes()));
            ByteBuffer b = ByteBuffer.allocate(64);
            try {
                while (ch.read(b) >= 0) {
                    // the greeting, then the end
                }
            } catch (IOException reset) { // bytes left unread when the server closed: a reset, not a FIN
                // closed
            }
            assertEquals(24, b.position(), "closed after its greeting, without an answer");
        }
    }
}
