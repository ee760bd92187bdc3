package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The blob transport with a cluster secret: peers that hold it move tensors; a client without it,
 * with another one, or a server without it is refused with a message saying which — and the
 * server goes on serving the right peers.
 */
class BlobAuthTest {
    private static final BlobAuth OURS = ClusterSecret.of("the cluster's secret".getBytes(StandardCharsets.UTF_8))
            .blobAuth();
    private static final BlobAuth THEIRS = ClusterSecret.of("another cluster".getBytes(StandardCharsets.UTF_8))
            .blobAuth();
    private static final BlobClient.Settings QUICK = BlobClient.Settings.DEFAULT.withReadTimeout(Duration.ofSeconds(5));

    private BlobServer server;
    private BlobRef ref;

    @BeforeEach
    void serve() throws Exception {
        server = BlobServer.start("127.0.0.1", 0, OURS);
        ByteBuffer data = ByteBuffer.allocate(100_000);
        for (int i = 0; i < data.capacity(); i++) {
            data.put(i, (byte) (i * 31));
        }
        ref = server.store().put(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ByteBuffer fetch(BlobAuth auth, BlobRef r) throws Exception {
        try (BlobClient client = new BlobClient(QUICK, auth)) {
            return client.fetch(r).get(30, TimeUnit.SECONDS);
        }
    }

    private BlobFetchException refused(BlobAuth auth, BlobRef r) {
        var e = assertThrows(ExecutionException.class, () -> fetch(auth, r));
        assertTrue(e.getCause() instanceof BlobFetchException, String.valueOf(e.getCause()));
        return (BlobFetchException) e.getCause();
    }

    @Test
    void peersHoldingTheSecretMoveTensors() throws Exception {
        ByteBuffer got = fetch(OURS, ref);
        assertEquals(100_000, got.remaining());
        assertEquals((byte) (99_999 * 31), got.get(99_999));
    }

    @Test
    void aClientWithoutTheSecretIsRefusedAndTheServerCarriesOn() throws Exception {
        var e = refused(BlobAuth.NONE, ref);
        assertEquals(BlobFetchException.Reason.PROTOCOL, e.reason());
        assertTrue(e.getMessage().contains("requires the cluster secret; this node has none"), e.getMessage());
        assertEquals(100_000, fetch(OURS, ref).remaining());
    }

    @Test
    void aClientOfAnotherClusterIsRefused() throws Exception {
        var e = refused(THEIRS, ref);
        assertTrue(e.getMessage().contains("refused this node's proof of the cluster secret"), e.getMessage());
        assertEquals(100_000, fetch(OURS, ref).remaining());
    }

    @Test
    void aServerWithoutTheSecretIsNotTrusted() throws Exception {
        try (BlobServer open = BlobServer.start("127.0.0.1", 0)) {
            BlobRef plain = open.store().put(ByteBuffer.allocate(10));
            var e = refused(OURS, plain);
            assertTrue(e.getMessage().contains("has no cluster secret and this node has one"), e.getMessage());
            assertEquals(10, fetch(BlobAuth.NONE, plain).remaining(), "two open peers still talk");
        }
    }
}
