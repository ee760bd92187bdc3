package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes altered on the way: a relay between two nodes that hold the cluster secret passes the
 * opening untouched (so both proofs hold) and flips one bit of the payload. The receiver finds other
 * bytes than the SHA-256 its (authenticated) reference announces and refuses them — whole or
 * streamed — while the same relay without the flip delivers the payload.
 */
class BlobIntegrityTest {
    private static final BlobAuth AUTH = ClusterSecret.of("the cluster's secret".getBytes(StandardCharsets.UTF_8))
            .blobAuth();
    private static final int SIZE = 300_000;

    private BlobServer server;
    private BlobRef direct;
    private FlippingRelay relay;

    @BeforeEach
    void serve() throws Exception {
        server = BlobServer.start("127.0.0.1", 0, AUTH);
        ByteBuffer data = ByteBuffer.allocate(SIZE);
        for (int i = 0; i < SIZE; i++) {
            data.put(i, (byte) (i * 7));
        }
        direct = server.store().put(data);
        relay = new FlippingRelay(server.port());
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        server.close();
    }

    private BlobRef viaRelay() {
        return new BlobRef("127.0.0.1", relay.port(), direct.id(), direct.bytes(), direct.sha256());
    }

    @Test
    void aServerWithTheSecretAnnouncesEachPayloadsDigest() {
        assertEquals(64, direct.sha256().length());
        assertEquals(PayloadDigest.of(server.store().get(direct.id())), direct.sha256());
    }

    @Test
    void anUntouchedRelayDeliversAndAFlippedBitIsRefused() throws Exception {
        // a client per fetch: each opens its own connection through the relay, with the flip as set then
        try (BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, AUTH)) {
            assertEquals(SIZE, client.fetch(viaRelay()).get(10, TimeUnit.SECONDS).remaining());
        }
        relay.flipAt(200_000); // past the opening and the response header: inside the payload
        try (BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, AUTH)) {
            assertIntegrity(assertThrows(ExecutionException.class,
                    () -> client.fetch(viaRelay()).get(10, TimeUnit.SECONDS)));
        }
        AtomicLong streamed = new AtomicLong();
        try (BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, AUTH)) {
            assertIntegrity(assertThrows(ExecutionException.class, () -> client.fetch(viaRelay(), chunk -> {
                streamed.addAndGet(chunk.remaining());
                chunk.position(chunk.limit());
            }).get(10, TimeUnit.SECONDS)));
        }
        assertEquals(SIZE, streamed.get(), "the stream ran to its end before the digest refused it");
    }

    private static void assertIntegrity(ExecutionException e) {
        assertTrue(e.getCause() instanceof BlobFetchException, String.valueOf(e.getCause()));
        BlobFetchException f = (BlobFetchException) e.getCause();
        assertEquals(BlobFetchException.Reason.INTEGRITY, f.reason(), f.getMessage());
        assertTrue(f.getMessage().contains("does not match its announced SHA-256"), f.getMessage());
    }
}
