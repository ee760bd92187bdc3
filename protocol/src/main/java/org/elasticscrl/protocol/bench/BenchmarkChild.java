package org.elasticscrl.protocol.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.blob.BlobServer;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.elasticscrl.protocol.tensor.TensorCodec.DType;

/**
 * A child JVM of {@link TransportBenchmark}: encodes one payload, offers it from a {@link BlobServer}
 * and from a trivial raw server (one request byte → the whole payload, blocking writes from the same
 * direct buffer, in one call or in the blob server's write window as the byte says), prints
 * {@code READY blobPort blobId bytes rawPort sha256 tlsBlobPort tlsBlobId} (the same payload from a second blob
 * server over TLS, with the key pair in the directory given as the third argument), and exits when its parent closes stdin (so a crashed
 * parent leaves no child behind).
 */
public final class BenchmarkChild {
    private BenchmarkChild() {}

    /** Element {@code i} of child {@code k}: dyadic values, so the sum over children is exact in any order. */
    static float value(int k, int i) {
        return k + (i & 1023) / 1024f;
    }

    public static void main(String[] args) throws Exception {
        int k = Integer.parseInt(args[0]);
        int floats = Integer.parseInt(args[1]);
        float[] values = new float[floats];
        for (int i = 0; i < floats; i++) values[i] = value(k, i);
        ByteBuffer payload = TensorCodec.encode(DType.F32, values);
        values = null; // the payload is all we serve
        try (BlobServer blobs = BlobServer.start("127.0.0.1", 0);
                BlobServer overTls = BlobServer.start(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1",
                        BlobServer.Settings.DEFAULT, org.elasticscrl.protocol.blob.BlobAuth.NONE,
                        BenchKeys.tls(java.nio.file.Path.of(args[2])));
                ServerSocketChannel raw = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            BlobRef ref = blobs.store().put(payload);
            BlobRef tlsRef = overTls.store().put(payload);
            Thread rawServer = new Thread(() -> serveRaw(raw, payload), "raw-server");
            rawServer.setDaemon(true);
            rawServer.start();
            System.out.printf("READY %d %d %d %d %s %d %d%n", ref.port(), ref.id(), ref.bytes(),
                    ((InetSocketAddress) raw.getLocalAddress()).getPort(),
                    org.elasticscrl.protocol.blob.PayloadDigest.of(payload), tlsRef.port(), tlsRef.id());
            System.out.flush();
            while (System.in.read() >= 0) {
                // parent alive
            }
        }
    }

    private static void serveRaw(ServerSocketChannel raw, ByteBuffer payload) {
        while (raw.isOpen()) {
            try {
                SocketChannel ch = raw.accept();
                Thread t = new Thread(() -> rawConnection(ch, payload), "raw-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void rawConnection(SocketChannel ch, ByteBuffer payload) {
        ByteBuffer request = ByteBuffer.allocate(1);
        try (ch) {
            while (ch.read(request.clear()) > 0) {
                int window = request.get(0) == TransportBenchmark.WINDOWED ? BlobServer.DIRECT_WINDOW
                        : Integer.MAX_VALUE;
                ByteBuffer b = payload.duplicate();
                while (b.hasRemaining()) {
                    ByteBuffer w = b.duplicate();
                    w.limit(w.position() + Math.min(window, w.remaining()));
                    b.position(b.position() + ch.write(w));
                }
            }
        } catch (IOException e) {
            // the parent hung up
        }
    }
}
