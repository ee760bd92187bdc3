package org.elasticscrl.protocol.blob;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Someone on the path between two nodes: relays every connection to a blob server, records what the
 * server sends (up to 4 MB), and flips one bit at a chosen offset of the server-to-client bytes of
 * each connection opened after {@link #flipAt} was set, or once, a number of bytes later
 * ({@link #flipOnceAfter}).
 */
public final class FlippingRelay implements AutoCloseable {
    private static final int RECORDED = 4 << 20;

    private final ServerSocket socket;
    private final int target;
    private final AtomicLong flipAt = new AtomicLong(-1);
    /** Server bytes still to pass, on any connection, before the one-shot flip (-1: none pending). */
    private long flipIn = -1;
    private int flipped;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

    public FlippingRelay(int targetPort) throws IOException {
        this.target = targetPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::relayLoop, "flipping-relay");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Flip a bit of the server's byte at {@code offset} on the connections opened from now on (-1: none). */
    public void flipAt(long offset) {
        flipAt.set(offset);
    }

    /**
     * Flip one bit once, {@code bytes} server bytes from now on whichever connections carry them —
     * for persistent connections opened before.
     */
    public synchronized void flipOnceAfter(long bytes) {
        flipIn = bytes;
    }

    /** One-shot flips done so far. */
    public synchronized int flipped() {
        return flipped;
    }

    /** The server's bytes as they crossed the relay (the first 4 MB of all connections). */
    public synchronized byte[] recorded() {
        return recorded.toByteArray();
    }

    private void relayLoop() {
        while (!socket.isClosed()) {
            try {
                Socket in = socket.accept();
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                pump(in.getInputStream(), out.getOutputStream(), -1, false);
                pump(out.getInputStream(), in.getOutputStream(), flipAt.get(), true);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(InputStream from, OutputStream to, long flip, boolean record) {
        Thread t = new Thread(() -> {
            long at = 0;
            byte[] buf = new byte[8192];
            try (from; to) {
                for (int n; (n = from.read(buf)) > 0; at += n) {
                    if (flip >= at && flip < at + n) {
                        buf[(int) (flip - at)] ^= 0x10;
                    }
                    if (record) {
                        synchronized (this) {
                            recorded.write(buf, 0, Math.max(0, Math.min(n, RECORDED - recorded.size())));
                            if (flipIn >= 0 && flipIn < n) {
                                buf[(int) flipIn] ^= 0x10;
                                flipIn = -1;
                                flipped++;
                            } else if (flipIn >= 0) {
                                flipIn -= n;
                            }
                        }
                    }
                    to.write(buf, 0, n);
                }
            } catch (IOException closed) {
                // one side hung up
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
