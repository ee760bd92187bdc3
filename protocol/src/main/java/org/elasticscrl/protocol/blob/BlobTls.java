package org.elasticscrl.protocol.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS on blob connections: the JDK's TLS (1.3, mutual authentication with the node's keystore and
 * truststore — the same ones Artery uses) layered over the accepted or connected socket, so tensors
 * are encrypted and every record's tag is checked by the TLS library. Without a context a
 * connection stays plain TCP. The JDK's {@link SSLSocket} does the whole protocol; what is here only
 * hands its streams to the transport as a {@link ByteChannel}.
 */
public final class BlobTls {
    /** Plain TCP. */
    public static final BlobTls NONE = new BlobTls(null);

    /** Bytes moved per stream call: one TLS record holds at most 16 KiB; four per call keep syscalls few. */
    private static final int COPY_BYTES = 64 << 10;

    private final SSLContext context;

    private BlobTls(SSLContext context) {
        this.context = context;
    }

    /** TLS with {@code context} (its key managers: this node's certificate; trust managers: the cluster's). */
    public static BlobTls of(SSLContext context) {
        if (context == null) {
            throw new IllegalArgumentException("a TLS context is required (BlobTls.NONE for plain TCP)");
        }
        return new BlobTls(context);
    }

    /**
     * TLS 1.3 with this node's key and certificate ({@code keyStore}, opened and its key read with
     * {@code keyPassword}) and the certificates it trusts ({@code trustStore}), PKCS12 or JKS.
     */
    public static BlobTls of(java.nio.file.Path keyStore, char[] keyPassword, java.nio.file.Path trustStore,
            char[] trustPassword) throws IOException, java.security.GeneralSecurityException {
        var keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(java.security.KeyStore.getInstance(keyStore.toFile(), keyPassword), keyPassword);
        var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(java.security.KeyStore.getInstance(trustStore.toFile(), trustPassword));
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return of(context);
    }

    boolean enabled() {
        return context != null;
    }

    /** The server's end of an accepted connection, after the TLS handshake (the client must show a trusted certificate). */
    ByteChannel server(SocketChannel ch) throws IOException {
        return open(ch, false);
    }

    /** The client's end of a connected connection, after the TLS handshake (the server must show a trusted certificate). */
    ByteChannel client(SocketChannel ch) throws IOException {
        return open(ch, true);
    }

    private ByteChannel open(SocketChannel ch, boolean client) throws IOException {
        if (context == null) {
            return ch;
        }
        var address = (java.net.InetSocketAddress) ch.getRemoteAddress();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(ch.socket(), address.getHostString(),
                address.getPort(), true);
        s.setUseClientMode(client);
        if (!client) {
            s.setNeedClientAuth(true);
        }
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return new Streams(s);
    }

    /** An {@link SSLSocket}'s streams as a channel: buffers in, buffers out, through one reused array each way. */
    private static final class Streams implements ByteChannel {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] inCopy = new byte[COPY_BYTES];
        private final byte[] outCopy = new byte[COPY_BYTES];

        Streams(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(inCopy, 0, Math.min(inCopy.length, dst.remaining()));
            if (n > 0) {
                dst.put(inCopy, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = Math.min(outCopy.length, src.remaining());
            src.get(outCopy, 0, n);
            out.write(outCopy, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
