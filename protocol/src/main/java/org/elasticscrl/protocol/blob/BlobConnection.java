package org.elasticscrl.protocol.blob;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * One persistent client connection to a blob server, used by one fetch at a time: sends a request,
 * reads the answer's length, then the body — into the caller's buffer, or through a reused direct
 * chunk buffer handed to a {@link ChunkConsumer}.
 */
final class BlobConnection {
    /** What a fetch has received so far, for timeouts, retries and error messages. */
    static final class Progress {
        final CompletableFuture<?> future;
        Watchdog.Watch watch;
        long length = -1;
        /** Body bytes received; -1 until the answer's length arrived. */
        long received = -1;

        Progress(CompletableFuture<?> future) {
            this.future = future;
        }

        void add(int n) throws IOException {
            received += n;
            watch.progress();
            if (future.isCancelled()) throw new IOException("fetch cancelled");
        }

        String describe() {
            return received < 0 ? " (no answer yet)" : " (" + received + " of " + length + " bytes received)";
        }
    }

    /** Wraps what a {@link ChunkConsumer} threw, to tell it apart from transport errors. */
    static final class ConsumerFailed extends Exception {
        ConsumerFailed(Exception cause) {
            super(cause);
        }
    }

    private final SocketChannel channel;
    private final String peer;
    private final int chunkBytes;
    private final ByteBuffer request = ByteBuffer.allocateDirect(BlobWire.REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer head =
            ByteBuffer.allocateDirect(BlobWire.RESPONSE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final BlobAuth auth;
    private final BlobTls tls;
    private final EmulatedLink link;
    /** What requests and answers go through: the socket itself, or TLS over it (set up with the first request). */
    private ByteChannel io;
    private boolean greeted;
    private ByteBuffer chunk;
    private long idleSinceNanos;
    private boolean reused;

    BlobConnection(SocketChannel channel, String peer, int chunkBytes, BlobAuth auth, BlobTls tls, EmulatedLink link) {
        this.auth = auth;
        this.link = link;
        this.tls = tls;
        this.channel = channel;
        this.peer = peer;
        this.chunkBytes = chunkBytes;
    }

    SocketChannel channel() {
        return channel;
    }

    String peer() {
        return peer;
    }

    /** Whether this connection served an earlier fetch (and may have been dropped by the peer since). */
    boolean reused() {
        return reused;
    }

    void markIdle(long nowNanos) {
        reused = true;
        idleSinceNanos = nowNanos;
    }

    long idleNanos(long nowNanos) {
        return nowNanos - idleSinceNanos;
    }

    /** Asks for blob {@code id}; returns the answered length ({@link BlobWire#NOT_FOUND} if unknown). */
    long request(long id, Progress p) throws IOException {
        if (!greeted) {
            io = tls.client(channel); // TLS first, when on; then the server's greeting (and proofs)
            auth.client(io, peer, p.watch);
            if (link != null) {
                io = link.shape(io);
            }
            greeted = true;
        }
        request.clear().putInt(BlobWire.REQUEST_MAGIC).putLong(id).flip();
        while (request.hasRemaining()) io.write(request);
        head.clear();
        if (!BlobWire.readFully(io, head, p.watch)) {
            throw new EOFException("the peer closed the connection before answering");
        }
        p.received = 0;
        return head.getLong(0);
    }

    /** Reads the body straight into {@code dst} until it is full. */
    void readBody(ByteBuffer dst, Progress p) throws IOException {
        while (dst.hasRemaining()) p.add(readSome(dst));
    }

    /** Reads {@code length} body bytes through the chunk buffer, each full chunk handed to {@code consumer}. */
    void streamBody(long length, ChunkConsumer consumer, Progress p) throws IOException, ConsumerFailed {
        if (chunk == null) chunk = ByteBuffer.allocateDirect(chunkBytes);
        for (long left = length; left > 0; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), left));
            while (chunk.hasRemaining()) p.add(readSome(chunk));
            chunk.flip();
            left -= chunk.remaining();
            try {
                consumer.accept(chunk.asReadOnlyBuffer());
            } catch (Exception e) {
                throw new ConsumerFailed(e);
            }
        }
    }

    private int readSome(ByteBuffer b) throws IOException {
        int n = io.read(b);
        if (n < 0) throw new EOFException("the peer closed the connection mid-answer");
        return n;
    }

    void close() {
        try {
            channel.close(); // under TLS too: the TLS socket reads and writes through this channel
        } catch (IOException ignored) {
            // nothing left to do with a connection being discarded
        }
    }
}
