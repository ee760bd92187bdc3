package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.ClusterSecret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that never finish their opening: one trickling a byte at a time is closed at the
 * handshake deadline (progress does not extend it), and a host opening many at once gets only its
 * share — the cluster's nodes (another address) still fetch while the flood lasts.
 */
class BlobOpeningTest {
    private static final BlobAuth AUTH = ClusterSecret.of("the cluster's secret".getBytes(StandardCharsets.UTF_8))
            .blobAuth();
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final int PER_ADDRESS = 4;
    /** The flooding host: another loopback address than the nodes' 127.0.0.1. */
    private static final String ROGUE = "127.0.0.2";

    private BlobServer server;
    private BlobRef ref;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        server = BlobServer.start(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
                BlobServer.Settings.DEFAULT.withHandshake(DEADLINE, PER_ADDRESS), AUTH);
        ref = server.store().put(ByteBuffer.allocate(50_000));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private Socket connectFrom(String local) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(server.address(), 2000);
        s.setSoTimeout(15_000);
        sockets.add(s);
        return s;
    }

    /** Reads until the server closes the connection; the bytes it sent. */
    private static int bytesUntilClosed(Socket s) throws IOException {
        int n = 0;
        try {
            while (s.getInputStream().read() >= 0) {
                n++;
            }
        } catch (java.net.SocketException reset) {
            // closed with unread bytes: a reset, equally a close
        }
        return n;
    }

    /** Reads until the server closes the connection; the seconds that took. */
    private static double secondsUntilClosed(Socket s) throws IOException {
        long t0 = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // the greeting, then nothing until the server gives up on us
            }
        } catch (java.net.SocketException reset) {
            // closed with unread bytes: a reset, equally a close
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void aPeerTricklingItsProofIsClosedAtTheDeadline() throws Exception {
        Socket s = connectFrom(ROGUE);
        Thread trickle = new Thread(() -> {
            try {
                for (int i = 0; i < 100; i++) { // a byte every 100 ms: 10 s of "progress" if allowed
                    s.getOutputStream().write(0);
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException closed) {
                // the server hung up: what the test waits for
            }
        });
        trickle.setDaemon(true);
        trickle.start();
        double closedAfter = secondsUntilClosed(s);
        assertTrue(closedAfter < 5, "closed after " + closedAfter + " s, the deadline is " + DEADLINE);
        trickle.join(5000);
    }

    @Test
    void aFloodOfOpeningConnectionsFromOneHostLeavesTheNodesServed() throws Exception {
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add(connectFrom(ROGUE));
        }
        // the nodes' fetches go on while the flood holds every slot it is allowed
        try (BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, AUTH)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(50_000, client.fetch(ref).get(10, TimeUnit.SECONDS).remaining());
            }
        }
        int greeted = 0;
        for (Socket s : flood) {
            if (bytesUntilClosed(s) > 0) { // admitted: greeted, then closed at the deadline; refused: closed at once
                greeted++;
            }
        }
        assertEquals(PER_ADDRESS, greeted, "connections of the flooding host admitted to their opening");
        for (int i = 0; i < 50 && server.openingFrom(InetAddress.getByName(ROGUE)) > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, server.openingFrom(InetAddress.getByName(ROGUE)), "every opening ended");
    }
}
