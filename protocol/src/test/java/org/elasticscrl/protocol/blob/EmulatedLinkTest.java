package org.elasticscrl.protocol.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.junit.jupiter.api.Test;

class EmulatedLinkTest {
    @Test
    void aLinkIsGivenAsRateAndLatencyAndABadOneIsNamedWithWhatIsAccepted() {
        EmulatedLink l = EmulatedLink.parse("1gbit:0.1ms", "--emulate-link");
        org.junit.jupiter.api.Assertions.assertEquals(125e6, l.bytesPerSecond(), 1e-3);
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ofNanos(100_000), l.latency());
        org.junit.jupiter.api.Assertions.assertEquals(500e6 / 8, EmulatedLink.parse("500MBIT", "x").bytesPerSecond(), 1e-3);
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ofNanos(50_000),
                EmulatedLink.parse("10gbit:50us", "x").latency());
        org.junit.jupiter.api.Assertions.assertTrue(Double.isInfinite(EmulatedLink.parse("count", "x").bytesPerSecond()));
        for (String bad : new String[] {"1gb", "fast", "0gbit", "1gbit:3", "1gbit:-1ms", ""}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> EmulatedLink.parse(bad, "--emulate-link"), bad);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("--emulate-link: '" + bad + "'")
                    && e.getMessage().contains("1gbit:0.1ms"), e.getMessage());
        }
    }

    @Test
    void aPacerBooksBytesBackToBackAndBanksNoIdleTimeBeyondItsSlack() {
        EmulatedLink.Pacer p = new EmulatedLink.Pacer(1_000); // a millisecond a byte
        long s = 1_000_000_000L;
        long slack = EmulatedLink.Pacer.SLACK_NANOS;
        assertEquals(s - slack, p.book(1_000, 0), "1,000 bytes at 1,000 B/s: a second (less the slack)");
        assertEquals(2 * s - slack - 500_000_000L, p.book(1_000, 500_000_000L), "booked after the first: waits its end");
        assertEquals(2 * s - slack - 600_000_000L, p.bookAhead(1_000, 600_000_000L), "sent when the link is free");
        // idle for 10 s: the next booking starts now, less the slack that makes up for late wake-ups
        assertEquals(s - slack, p.book(1_000, 13 * s));
        assertEquals(-slack, p.bookAhead(1_000, 20 * s));
        assertTrue(new EmulatedLink.Pacer(Double.POSITIVE_INFINITY).book(1 << 30, 5) <= 0, "an unshaped link never waits");
    }

    @Test
    void busyTimeSumsTheGapsBetweenMovesAndCountsNoIdleness() {
        EmulatedLink.Busy b = new EmulatedLink.Busy();
        long ms = 1_000_000;
        b.moved(0); // a burst's first move: when it began is not known
        b.moved(2 * ms);
        b.moved(5 * ms);
        assertEquals(5 * ms, b.nanos());
        b.moved(5 * ms + EmulatedLink.Busy.IDLE_NANOS); // after an idle gap: a new burst
        assertEquals(5 * ms, b.nanos());
        b.moved(5 * ms + EmulatedLink.Busy.IDLE_NANOS + ms);
        b.moved(5 * ms + EmulatedLink.Busy.IDLE_NANOS); // another connection's move, read a little late
        assertEquals(6 * ms, b.nanos(), "time runs forward only");
    }

    /** What sharded aggregation balances by: bytes over busy time is the link's rate, not faster, not far slower. */
    @Test
    void aShapedLinksBusyTimeGivesItsRate() throws Exception {
        EmulatedLink link = EmulatedLink.of(400e6, Duration.ZERO); // 50 MB/s
        int size = 8_000_000;
        try (BlobServer server = start(link); BlobClient client = new BlobClient()) {
            BlobRef ref = server.store().put(ByteBuffer.allocateDirect(size));
            for (int i = 0; i < 2; i++) {
                client.fetch(ref).get(10, TimeUnit.SECONDS);
            }
        }
        double rate = link.bytesSent() / (link.sendingNanos() / 1e9);
        assertTrue(rate <= 50e6 * 1.1 && rate >= 50e6 / 2, rate + " B/s measured over a 50 MB/s link");
    }

    @Test
    void eachNodeCountsTheBytesItsTransportMovesExactly() throws Exception {
        EmulatedLink serverLink = EmulatedLink.counting();
        EmulatedLink clientLink = EmulatedLink.counting();
        int size = 3_000_001;
        try (BlobServer server = start(serverLink);
                BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT, BlobAuth.NONE, BlobTls.NONE, clientLink)) {
            BlobRef ref = server.store().put(ByteBuffer.allocateDirect(size));
            for (int i = 0; i < 3; i++) {
                assertEquals(size, client.fetch(ref).get(10, TimeUnit.SECONDS).remaining());
            }
        }
        long perFetch = BlobWire.RESPONSE_HEADER_BYTES + size;
        assertEquals(3 * perFetch, serverLink.bytesSent());
        assertEquals(3 * perFetch, clientLink.bytesReceived());
        assertEquals(3L * BlobWire.REQUEST_BYTES, clientLink.bytesSent());
        assertEquals(3L * BlobWire.REQUEST_BYTES, serverLink.bytesReceived());
    }

    /** Lower bounds only: a loaded machine makes a transfer slower, never faster than its link allows. */
    @Test
    void aTransferTakesAtLeastWhatItsLinkAllowsAndEachAnswerItsLatency() throws Exception {
        EmulatedLink slow = EmulatedLink.of(80e6, Duration.ofMillis(40)); // 10 MB/s
        int size = 4_000_000;
        try (BlobServer server = start(slow); BlobClient client = new BlobClient()) {
            BlobRef big = server.store().put(ByteBuffer.allocateDirect(size));
            BlobRef small = server.store().put(ByteBuffer.allocateDirect(10));
            client.fetch(small).get(10, TimeUnit.SECONDS); // opens the connection
            long t0 = System.nanoTime();
            client.fetch(big).get(10, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // the last quantum leaves as soon as the link is free for it, and the slack is lent once
            double floor = 0.040 + (size - EmulatedLink.QUANTUM) / 10e6 - EmulatedLink.Pacer.SLACK_NANOS / 1e9;
            assertTrue(seconds >= floor, seconds + " s, at least " + floor);
            t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                client.fetch(small).get(10, TimeUnit.SECONDS);
            }
            assertTrue(System.nanoTime() - t0 >= 5 * 40_000_000L, "each answer starts one-way latency late");
        }
    }

    @Test
    void aLinkWithoutBandwidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EmulatedLink.of(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> EmulatedLink.of(1e9, Duration.ofMillis(-1)));
    }

    /**
     * A node on a shared link (one budget both ways) serves a blob while it fetches one: the two take the sum of their
     * times, where a full-duplex link carries them side by side. A lower bound only, as above.
     */
    @Test
    void aSharedLinkCarriesBothDirectionsOutOfOneBudget() throws Exception {
        EmulatedLink shared = EmulatedLink.parse("80mbit/shared", "x"); // 10 MB/s for both directions together
        assertTrue(shared.toString().contains("both ways together"), shared.toString());
        int size = 3_000_000;
        try (BlobServer a = start(shared);
                BlobClient aFetches = new BlobClient(BlobClient.Settings.DEFAULT, BlobAuth.NONE, BlobTls.NONE, shared);
                BlobServer b = start(EmulatedLink.counting()); BlobClient bFetches = new BlobClient()) {
            BlobRef fromA = a.store().put(ByteBuffer.allocateDirect(size));
            BlobRef fromB = b.store().put(ByteBuffer.allocateDirect(size));
            aFetches.fetch(b.store().put(ByteBuffer.allocateDirect(10))).get(10, TimeUnit.SECONDS); // connections open
            bFetches.fetch(a.store().put(ByteBuffer.allocateDirect(10))).get(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            var sent = bFetches.fetch(fromA);
            var received = aFetches.fetch(fromB);
            sent.get(20, TimeUnit.SECONDS);
            received.get(20, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double floor = 2.0 * (size - EmulatedLink.QUANTUM) / 10e6 - 2 * EmulatedLink.Pacer.SLACK_NANOS / 1e9;
            assertTrue(seconds >= floor, seconds + " s for 6 MB through 10 MB/s shared, at least " + floor);
        }
    }

    private static BlobServer start(EmulatedLink link) throws java.io.IOException {
        return BlobServer.start(new InetSocketAddress("127.0.0.1", 0), InetSocketAddress.createUnresolved("127.0.0.1", 0),
                BlobServer.Settings.DEFAULT, BlobAuth.NONE, BlobTls.NONE, link);
    }
}
