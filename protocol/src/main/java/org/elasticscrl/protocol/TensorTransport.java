package org.elasticscrl.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.elasticscrl.protocol.blob.BlobClient;
import org.elasticscrl.protocol.blob.BlobServer;
import org.elasticscrl.protocol.blob.BlobTls;
import org.elasticscrl.protocol.blob.ChunkConsumer;
import org.elasticscrl.protocol.blob.EmulatedLink;
import org.elasticscrl.protocol.tensor.PartsWriter;
import org.elasticscrl.protocol.tensor.PayloadSummer;
import org.elasticscrl.protocol.tensor.TensorCodec;

/** {@link Tensors} over this node's blob server and client, payloads in {@link TensorCodec} format. */
public final class TensorTransport implements Tensors {
    private final BlobServer server;
    private final BlobClient client;
    private volatile TensorCodec.DType dtype;
    /** The link every connection goes through: a benchmark's emulated NIC, or one that only counts bytes. */
    private final EmulatedLink link;

    private TensorTransport(BlobServer server, BlobClient client, TensorCodec.DType dtype, EmulatedLink link) {
        this.server = server;
        this.client = client;
        this.dtype = dtype;
        this.link = link;
    }

    /** Serves on {@code host} (an ephemeral port), advertising {@code host} in the refs it hands out. */
    public static TensorTransport start(String host, String dtype) {
        return start(host, dtype, ClusterSecret.NONE);
    }

    /** As {@link #start(String, String)}; with a cluster secret every blob connection proves it both ways. */
    public static TensorTransport start(String host, String dtype, ClusterSecret secret) {
        return start(host, dtype, secret, BlobTls.NONE);
    }

    /** As {@link #start(String, String, ClusterSecret)}, every blob connection over TLS when {@code tls} is on. */
    public static TensorTransport start(String host, String dtype, ClusterSecret secret, BlobTls tls) {
        return start(new InetSocketAddress(host, 0), InetSocketAddress.createUnresolved(host, 0), dtype, secret, tls);
    }

    /**
     * Serves on {@code bind}, advertising {@code advertised} in its refs (port 0: the bound one) — for a
     * node whose peers reach it through a forwarded port.
     */
    public static TensorTransport start(InetSocketAddress bind, InetSocketAddress advertised, String dtype,
            ClusterSecret secret, BlobTls tls) {
        return start(bind, advertised, dtype, secret, tls, null);
    }

    /**
     * As the others, the node's every connection (served and fetched) through {@code link} — a benchmark's emulated
     * NIC; null: a link that only counts the bytes (every node reports its traffic per step).
     */
    public static TensorTransport start(InetSocketAddress bind, InetSocketAddress advertised, String dtype,
            ClusterSecret secret, BlobTls tls, EmulatedLink shaped) {
        EmulatedLink link = shaped != null ? shaped : EmulatedLink.counting();
        try {
            var auth = secret.blobAuth();
            return new TensorTransport(BlobServer.start(bind, advertised, BlobServer.Settings.DEFAULT, auth, tls, link),
                    new BlobClient(BlobClient.Settings.DEFAULT, auth, tls, link), parse(dtype), link);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the blob server on " + bind, e);
        }
    }

    /** The link this node's connections go through (emulated, or only counting). */
    public EmulatedLink link() {
        return link;
    }

    @Override
    public long bytesSent() {
        return link.bytesSent();
    }

    @Override
    public long bytesReceived() {
        return link.bytesReceived();
    }

    @Override
    public long sendingNanos() {
        return link.sendingNanos();
    }

    @Override
    public long receivingNanos() {
        return link.receivingNanos();
    }

    /** The port this node's blob server listens on (operators open it in firewalls; its refs carry it). */
    public int port() {
        return server.port();
    }

    @Override
    public BlobRef publish(float[]... parts) {
        return server.store().put(TensorCodec.encode(dtype, parts));
    }

    @Override
    public BlobRef publishExact(float[]... parts) {
        return server.store().put(TensorCodec.encode(TensorCodec.DType.F32, parts));
    }

    @Override
    public BlobRef publishScaled(float scale, float[] flat, int... lengths) {
        return server.store().put(TensorCodec.encodeScaled(dtype, scale, flat, lengths));
    }

    /**
     * Fetches go to the node serving the payload, unless that is this node: then its stored bytes are read in place —
     * no loopback connection, and no byte on the node's link (an owner reading its own shard's mean, or the copy of
     * another's it keeps as a backup).
     */
    @Override
    public CompletableFuture<float[][]> fetchArrays(BlobRef ref) {
        PartsWriter[] into = new PartsWriter[1];
        PayloadSummer summer = new PayloadSummer(h -> {
            if (ref.bytes() >= 0 && h.totalBytes() != ref.bytes()) { // before allocating what the header claims
                throw new IllegalArgumentException("payload header " + h + " declares " + h.totalBytes()
                        + " bytes, the blob has " + ref.bytes());
            }
            return into[0] = new PartsWriter(h);
        });
        return stream(ref, summer::accept).thenApply(bytes -> {
            summer.finish();
            return into[0].parts();
        });
    }

    @Override
    public CompletableFuture<Long> stream(BlobRef ref, ChunkConsumer consumer) {
        ByteBuffer own = server.store().local(ref);
        if (own == null) {
            return client.fetch(ref, consumer);
        }
        try {
            long bytes = own.remaining();
            consumer.accept(own);
            return CompletableFuture.completedFuture(bytes);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean serves(BlobRef ref) {
        return server.store().local(ref) != null;
    }

    @Override
    public void forget(BlobRef ref) {
        server.store().remove(ref);
    }

    @Override
    public void useDtype(String name) {
        dtype = parse(name);
    }

    private static TensorCodec.DType parse(String name) {
        return TensorCodec.DType.valueOf(name.toUpperCase(Locale.ROOT));
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
