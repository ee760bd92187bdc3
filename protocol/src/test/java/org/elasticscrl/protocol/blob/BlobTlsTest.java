package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.bench.BenchKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tensor transport over TLS (mutual authentication, the cluster's certificates): peers holding
 * them move tensors, and someone on the path reads no payload byte and cannot alter one — a flipped
 * bit fails the TLS record's check; a client without TLS, or with a certificate the cluster does not
 * trust, is refused while the server goes on serving the cluster's nodes.
 */
class BlobTlsTest {
    private static final BlobAuth AUTH = ClusterSecret.of("the cluster's secret".getBytes(StandardCharsets.UTF_8))
            .blobAuth();
    private static final int SIZE = 300_000;

    @TempDir
    static Path keys;
    private static BlobTls ours;
    private static BlobTls stranger;

    private BlobServer server;
    private BlobRef ref;
    private FlippingRelay relay;

    @BeforeAll
    static void certificates() throws Exception {
        // two clusters' throwaway key pairs, each trusting only itself
        Files.createDirectories(keys.resolve("cluster"));
        Files.createDirectories(keys.resolve("stranger"));
        BenchKeys.generate(keys.resolve("cluster"));
        BenchKeys.generate(keys.resolve("stranger"));
        ours = BenchKeys.tls(keys.resolve("cluster"));
        stranger = BenchKeys.tls(keys.resolve("stranger"));
    }

    @BeforeEach
    void serve() throws Exception {
        server = BlobServer.start(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1", BlobServer.Settings.DEFAULT, AUTH,
                ours);
        ByteBuffer data = ByteBuffer.allocate(SIZE);
        for (int i = 0; i < SIZE; i++) {
            data.put(i, (byte) (i * 7 + i / 251));
        }
        ref = server.store().put(data);
        relay = new FlippingRelay(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.close();
    }

    private BlobRef viaRelay() {
        return new BlobRef("127.0.0.1", relay.port(), ref.id(), ref.bytes(), ref.sha256());
    }

    private static ByteBuffer fetch(BlobTls tls, BlobRef r) throws Exception {
        try (BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, AUTH, tls)) {
            return client.fetch(r).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theClustersNodesMoveTensorsThatThePathCannotRead() throws Exception {
        assertEquals("", ref.sha256(), "over TLS every record's tag checks the bytes: no digest needed");
        ByteBuffer got = fetch(ours, viaRelay());
        assertEquals(SIZE, got.remaining());
        assertEquals((byte) (123_456 * 7 + 123_456 / 251), got.get(123_456));
        byte[] seen = relay.recorded();
        assertTrue(seen.length >= SIZE, "the payload crossed the relay: " + seen.length + " bytes");
        byte[] window = new byte[32]; // any 32 consecutive payload bytes in the clear would betray it
        server.store().get(ref.id()).position(100_000).get(window);
        assertFalse(contains(seen, window), "payload bytes crossed the path in the clear");
    }

    @Test
    void aFlippedBitOnThePathFailsTheFetch() throws Exception {
        relay.flipAt(200_000);
        var e = assertThrows(ExecutionException.class, () -> fetch(ours, viaRelay()));
        assertTrue(e.getCause() instanceof BlobFetchException, String.valueOf(e.getCause()));
        assertEquals(SIZE, fetch(ours, ref).remaining(), "the server goes on");
    }

    @Test
    void aClientWithoutTlsOrWithAnUntrustedCertificateIsRefused() throws Exception {
        assertThrows(ExecutionException.class, () -> fetch(BlobTls.NONE, ref));
        assertThrows(ExecutionException.class, () -> fetch(stranger, ref));
        assertEquals(SIZE, fetch(ours, ref).remaining(), "the server goes on serving the cluster's nodes");
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
