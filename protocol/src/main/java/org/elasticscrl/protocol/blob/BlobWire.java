package org.elasticscrl.protocol.blob;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * The blob transport's framing, little-endian like the tensor payloads. On a persistent connection
 * the client sends a request, the server answers, repeat:
 *
 * <pre>
 * request   int32 magic "SBL1" | int64 blob id
 * response  int64 length (-1: unknown id) | length bytes of the blob
 * </pre>
 *
 * The magic's last byte is the transport version; a server closes a connection whose request does
 * not start with it.
 */
final class BlobWire {
    private BlobWire() {}

    static final int REQUEST_MAGIC = 'S' | 'B' << 8 | 'L' << 16 | '1' << 24;
    static final int REQUEST_BYTES = 12;
    static final int RESPONSE_HEADER_BYTES = 8;
    static final long NOT_FOUND = -1;

    /** Reads until {@code b} is full; false on a clean end of stream before the first byte. */
    static boolean readFully(ReadableByteChannel ch, ByteBuffer b, Watchdog.Watch watch) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                if (b.position() == start) return false;
                throw new EOFException("connection closed after " + (b.position() - start) + " of "
                        + (b.limit() - start) + " bytes");
            }
            watch.progress();
        }
        return true;
    }

    /**
     * Writes {@code head} then {@code body} in windows of at most {@code window} bytes, so a heap body is
     * staged through a bounded temporary direct buffer and the watchdog sees progress on slow links.
     */
    static void writeFully(ByteChannel ch, ByteBuffer head, ByteBuffer body, int window, Watchdog.Watch watch)
            throws IOException {
        ByteBuffer w = body.duplicate();
        ByteBuffer[] both = {head, w};
        while (head.hasRemaining() || body.hasRemaining()) {
            w.limit(w.position() + Math.min(window, body.remaining()));
            // plain TCP: header and body in one gathering write; TLS: the channel takes one buffer at a time
            long n = ch instanceof GatheringByteChannel g ? g.write(both)
                    : head.hasRemaining() ? ch.write(head) : ch.write(w);
            body.position(w.position());
            if (n > 0) watch.progress();
        }
    }
}
