package org.elasticscrl.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.blob.BlobFetchException;
import org.elasticscrl.protocol.tensor.StreamingSum;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes' transports over loopback: arrays decoded while they stream, and sums streamed into. */
class TensorTransportTest {
    private TensorTransport sender;
    private TensorTransport receiver;

    @BeforeEach
    void start() {
        sender = TensorTransport.start("127.0.0.1", "f32");
        receiver = TensorTransport.start("127.0.0.1", "f32");
    }

    @AfterEach
    void stop() {
        sender.close();
        receiver.close();
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void arraysArriveDecodedExactlyAsPublished() throws Exception {
        float[][] parts = {random(300_001, 1), new float[0], random(70_000, 2)}; // many 64 KiB chunks, odd split
        BlobRef ref = sender.publish(parts);
        float[][] got = receiver.fetchArrays(ref).get(10, TimeUnit.SECONDS);
        assertEquals(3, got.length);
        for (int i = 0; i < 3; i++) assertArrayEquals(parts[i], got[i], "part " + i);
        // bf16 on the wire: the same arrays a whole-payload decode gives
        sender.useDtype("bf16");
        BlobRef half = sender.publish(parts);
        float[][] expected = TensorCodec.decode(TensorCodec.encode(TensorCodec.DType.BF16, parts));
        float[][] gotHalf = receiver.fetchArrays(half).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) assertArrayEquals(expected[i], gotHalf[i], "bf16 part " + i);
    }

    /**
     * Every node counts what its transport moves, emulating nothing (traffic.csv): the receiver read and the sender
     * wrote the payload plus a few bytes of request and header; reading its own payload in place moves nothing.
     */
    @Test
    void everyNodeCountsItsBytesWithoutEmulatingALink() throws Exception {
        assertEquals("unshaped (counted)", sender.link().toString());
        float[] g = random(250_000, 3);
        BlobRef ref = sender.publish(g);
        long payload = TensorCodec.encode(TensorCodec.DType.F32, new float[][] {g}).remaining();
        receiver.fetchArrays(ref).get(10, TimeUnit.SECONDS);
        long overhead = receiver.bytesReceived() - payload;
        assertEquals(true, overhead >= 0 && overhead < 1024, "received " + receiver.bytesReceived() + " for " + payload);
        assertEquals(true, sender.bytesSent() - payload >= 0 && sender.bytesSent() - payload < 1024,
                "sent " + sender.bytesSent() + " for " + payload);
        long before = sender.bytesReceived() + sender.bytesSent();
        sender.fetchArrays(ref).get(10, TimeUnit.SECONDS);
        assertEquals(before, sender.bytesReceived() + sender.bytesSent(), "a node's own payload is read in place");
    }

    /** A state for a joiner is published exact even where the wire carries bf16 (which would round it). */
    @Test
    void anExactPayloadArrivesBitForBitWhateverTheWireEncoding() throws Exception {
        float[] state = random(10_001, 7);
        sender.useDtype("bf16");
        float[] exact = receiver.fetchArrays(sender.publishExact(state)).get(10, TimeUnit.SECONDS)[0];
        float[] wire = receiver.fetchArrays(sender.publish(state)).get(10, TimeUnit.SECONDS)[0];
        assertArrayEquals(state, exact);
        assertEquals(false, java.util.Arrays.equals(state, wire), "bf16 rounds: what the exact path is for");
    }

    /** What a node published it reads from its own store, at once; its peers fetch the same arrays over the wire. */
    @Test
    void aNodeReadsItsOwnPayloadsInPlace() throws Exception {
        float[][] parts = {random(50_001, 5), random(7, 6)};
        for (String dtype : new String[] {"f32", "bf16"}) {
            sender.useDtype(dtype);
            BlobRef ref = sender.publish(parts);
            var own = sender.fetchArrays(ref);
            assertEquals(true, own.isDone(), "read in place: done before any connection could have answered");
            float[][] wire = receiver.fetchArrays(ref).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < parts.length; i++) {
                assertArrayEquals(wire[i], own.get()[i], dtype + " part " + i);
            }
            sender.forget(ref);
            var gone = assertThrows(ExecutionException.class, () -> sender.fetchArrays(ref).get(10, TimeUnit.SECONDS));
            assertInstanceOf(BlobFetchException.class, gone.getCause(), "forgotten: asked of the server, which has none");
        }
    }

    @Test
    void payloadsStreamIntoOneSum() throws Exception {
        float[] a = random(200_000, 3);
        float[] b = random(200_000, 4);
        StreamingSum sum = new StreamingSum(h -> {});
        var sa = sum.summer();
        var sb = sum.summer();
        var fa = receiver.stream(sender.publish(a, new float[] {1}), sa::accept);
        var fb = receiver.stream(sender.publish(b, new float[] {2}), sb::accept);
        fa.get(10, TimeUnit.SECONDS);
        fb.get(10, TimeUnit.SECONDS);
        sa.finish();
        sb.finish();
        float[] s = sum.sum();
        for (int i = 0; i < a.length; i++) assertEquals(a[i] + b[i], s[i], "element " + i); // two terms: exact
        assertEquals(3f, s[a.length]);
    }

    @Test
    void aMissingPayloadFailsTheFetch() {
        BlobRef ref = sender.publish(new float[] {1, 2});
        sender.forget(ref);
        var e = assertThrows(ExecutionException.class, () -> receiver.fetchArrays(ref).get(10, TimeUnit.SECONDS));
        assertInstanceOf(BlobFetchException.class, e.getCause());
        assertEquals(BlobFetchException.Reason.NOT_FOUND, ((BlobFetchException) e.getCause()).reason());
    }
}
