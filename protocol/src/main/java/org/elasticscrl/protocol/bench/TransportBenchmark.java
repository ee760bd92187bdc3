package org.elasticscrl.protocol.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.blob.BlobClient;
import org.elasticscrl.protocol.tensor.PayloadSummer;
import org.elasticscrl.protocol.tensor.StreamingSum;
import org.elasticscrl.protocol.tensor.TensorCodec;

/**
 * Aggregation vs a raw TCP copy, side by side (printed, never asserted). Starts child JVMs that each
 * serve a payload of {@code floats} F32 values ({@link BenchmarkChild}), then, interleaved, per round:
 *
 * <ul>
 *   <li><b>aggregate</b>: what the coordinator does with a step's summed contributions — fetch every
 *       child's payload at once with {@link BlobClient}, each streaming into one {@link StreamingSum}
 *       (reusing the last round's accumulator without zeroing it, as each step reuses the last one's)
 *       while it arrives;
 *   <li><b>fetch, then sum</b>: what it did before streaming — every payload fetched whole into a new
 *       direct buffer, each added into the accumulator in one pass on one thread as it completes
 *       ({@link TensorCodec#addTo});
 *   <li><b>fetch only</b>: the same streaming fetches with a consumer that drops the bytes — the
 *       transport's own cost;
 *   <li><b>aggregate, SHA-256 checked</b>: the same, each payload's SHA-256 computed while it streams and
 *       compared with its ref's, as with a cluster secret;
 *   <li><b>aggregate over TLS</b>: the same from a second blob server in each child, over TLS 1.3 with a
 *       throwaway key pair ({@link BenchKeys});
 *   <li><b>raw</b>: the same bytes from the same children over plain blocking sockets, one thread per
 *       child, read into a reused buffer and dropped — the floor for moving them at all. Timed twice, the
 *       child writing the payload in one call and in the blob server's 8 MiB windows (which is faster
 *       depends on how much CPU the senders have); the faster is the floor.
 * </ul>
 *
 * Both use persistent connections opened before the first round and buffers of the same size (the
 * client's chunk). Prints the medians and their ratio. The raw copy never touches memory beyond its
 * cache-resident buffer, while aggregation reads and writes the whole accumulator once per payload:
 * with small buffers the ratio measures that memory traffic as much as the transport.
 *
 * <p>Run: {@code mvn -q -B -pl protocol -am compile && java -cp protocol/target/classes
 * org.elasticscrl.protocol.bench.TransportBenchmark [children=4] [floats=25600000] [rounds=9] [chunkKiB=64]
 * [clientThreads=children]}. By default everything shares every core, so on a small machine the senders'
 * CPU time counts against the receiver's. To give the receiver cores of its own, as a coordinator on
 * its own machine has, start it under {@code taskset -c 1} and its senders with
 * {@code -Dscrl.bench.childCores=0}.
 */
public final class TransportBenchmark {
    private TransportBenchmark() {}

    /** {@code checked}: the same payload's ref announcing its SHA-256, as a server with the cluster secret's does. */
    private record Child(Process process, BlobRef ref, BlobRef checked, BlobRef tls, int rawPort) {}

    /** Medians in milliseconds, and whether the accumulator held the exact expected sums. */
    public record Result(double aggregateMillis, double fetchThenSumMillis, double fetchMillis, double rawMillis,
            String sumCheck, double checkedMillis, double tlsMillis) {
        public double ratio() {
            return aggregateMillis / rawMillis;
        }
    }

    public static void main(String[] args) throws Exception {
        int children = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int floats = args.length > 1 ? Integer.parseInt(args[1]) : 25_600_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        int chunkKiB = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : children;
        run(children, floats, rounds, chunkKiB << 10, threads);
    }

    /** Runs the benchmark, printing every round and the summary; returns the summary. */
    public static Result run(int children, int floats, int rounds, int chunk, int threads) throws Exception {
        int warmup = 2;
        List<Child> kids = new ArrayList<>();
        ExecutorService rawPool = Executors.newFixedThreadPool(children);
        BlobClient client = new BlobClient(BlobClient.Settings.DEFAULT.withThreads(threads).withChunkBytes(chunk));
        Path keys = Files.createTempDirectory("scrl-bench-tls");
        BenchKeys.generate(keys);
        BlobClient tlsClient = new BlobClient(BlobClient.Settings.DEFAULT.withThreads(threads).withChunkBytes(chunk),
                org.elasticscrl.protocol.blob.BlobAuth.NONE, BenchKeys.tls(keys));
        List<SocketChannel> rawConnections = new ArrayList<>();
        try {
            for (int k = 0; k < children; k++) kids.add(startChild(k, floats, keys));
            for (Child c : kids) {
                rawConnections.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", c.rawPort)));
            }
            long bytes = kids.get(0).ref.bytes();
            System.out.printf("TransportBenchmark: %d child JVMs x %d floats (%.1f MB each, %.1f MB in all), chunk %d KiB,"
                    + " %d client threads, %d rounds + %d warm-up, interleaved; load average %s%n", children, floats,
                    bytes / 1e6, children * bytes / 1e6, chunk >> 10, threads, rounds, warmup, loadAverage());
            float[][] acc = new float[1][];
            float[] acc2 = new float[floats];
            float[][] acc3 = new float[1][];
            float[][] acc4 = new float[1][];
            List<Timed> modes = List.of(() -> aggregate(client, kids, acc, Child::ref), () -> fetchThenSum(client, kids, acc2),
                    () -> fetchOnly(client, kids), () -> rawCopy(rawPool, rawConnections, bytes, chunk, ONE_WRITE),
                    () -> rawCopy(rawPool, rawConnections, bytes, chunk, WINDOWED),
                    () -> aggregate(client, kids, acc3, Child::checked),
                    () -> aggregate(tlsClient, kids, acc4, Child::tls));
            double[][] times = new double[modes.size()][rounds];
            System.out.println("round  aggregate ms  fetch, then sum ms  fetch only ms  raw, one write ms"
                    + "  raw, 8 MiB writes ms  aggregate, SHA-256 checked ms  aggregate over TLS ms");
            for (int r = -warmup; r < rounds; r++) {
                double[] t = new double[modes.size()];
                for (int i = 0; i < modes.size(); i++) {
                    int m = Math.floorMod(r + i, modes.size()); // rotate the order: no mode always runs first
                    t[m] = modes.get(m).run();
                }
                System.out.printf("%5s  %12.1f  %18.1f  %13.1f  %17.1f  %20.1f  %30.1f  %20.1f%n",
                        r < 0 ? "warm" : String.valueOf(r + 1), t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
                for (int m = 0; r >= 0 && m < modes.size(); m++) times[m][r] = t[m];
            }
            String sums = check(acc[0], children);
            String sums2 = check(acc2, children);
            String sums3 = check(acc3[0], children);
            String sums4 = check(acc4[0], children);
            // the floor is whichever way of writing the raw bytes was faster in this run
            Result result = new Result(median(times[0]), median(times[1]), median(times[2]),
                    Math.min(median(times[3]), median(times[4])),
                    List.of(sums, sums2, sums3, sums4).stream().filter(c -> !c.equals("ok")).findFirst().orElse("ok"),
                    median(times[5]), median(times[6]));
            System.out.printf("median raw copy: %.1f ms in one write per payload, %.1f ms in 8 MiB writes (the blob"
                    + " server's); the faster is the floor%n", median(times[3]), median(times[4]));
            double total = children * (double) bytes;
            System.out.printf("median aggregate %.1f ms (%.2f GB/s), fetch only %.1f ms (%.2f GB/s), raw copy %.1f ms"
                    + " (%.2f GB/s)%n", result.aggregateMillis, total / result.aggregateMillis / 1e6, result.fetchMillis,
                    total / result.fetchMillis / 1e6, result.rawMillis, total / result.rawMillis / 1e6);
            System.out.printf("ratio aggregate / raw copy %.2fx (goal <= 1.5x); fetch, then sum (whole payloads,"
                    + " %.1f ms) / raw copy %.2fx; fetch only / raw copy %.2fx%n", result.ratio(),
                    result.fetchThenSumMillis, result.fetchThenSumMillis / result.rawMillis,
                    result.fetchMillis / result.rawMillis);
            System.out.printf("with every payload's SHA-256 checked while it streams (a cluster secret's setting): aggregate"
                    + " %.1f ms, %.2fx the raw copy, %.2fx the unchecked aggregate%n", result.checkedMillis,
                    result.checkedMillis / result.rawMillis, result.checkedMillis / result.aggregateMillis);
            System.out.printf("over TLS (1.3, AES-GCM, mutual authentication; the JDK's): aggregate %.1f ms, %.2fx the raw"
                    + " copy, %.2fx the plain aggregate%n", result.tlsMillis, result.tlsMillis / result.rawMillis,
                    result.tlsMillis / result.aggregateMillis);
            System.out.println("sum check: " + result.sumCheck + "; load average now " + loadAverage());
            return result;
        } finally {
            for (SocketChannel ch : rawConnections) ch.close();
            client.close();
            tlsClient.close();
            rawPool.shutdownNow();
            try (var files = Files.list(keys)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(keys);
            for (Child c : kids) {
                c.process.getOutputStream().close(); // the child exits at end of stdin
                c.process.destroy();
            }
        }
    }

    /** Fetches every child's payload at once into one {@link StreamingSum}: the coordinator's own path. */
    private static double aggregate(BlobClient client, List<Child> kids, float[][] acc,
            java.util.function.Function<Child, BlobRef> which) {
        long start = System.nanoTime();
        StreamingSum sum = new StreamingSum(h -> {});
        sum.reuse(acc[0]); // the last round's accumulator, as the coordinator reuses the last step's
        List<CompletableFuture<Long>> fetches = new ArrayList<>();
        List<PayloadSummer> summers = new ArrayList<>();
        for (Child c : kids) {
            PayloadSummer s = sum.summer();
            summers.add(s);
            fetches.add(client.fetch(which.apply(c), s::accept));
        }
        CompletableFuture.allOf(fetches.toArray(new CompletableFuture<?>[0])).join();
        for (PayloadSummer s : summers) s.finish();
        double millis = (System.nanoTime() - start) / 1e6;
        acc[0] = sum.sum();
        return millis;
    }

    /** Every payload fetched whole, then added on this thread in the order the fetches complete. */
    private static double fetchThenSum(BlobClient client, List<Child> kids, float[] acc) throws InterruptedException {
        Arrays.fill(acc, 0f);
        long start = System.nanoTime();
        BlockingQueue<ByteBuffer> done = new LinkedBlockingQueue<>();
        for (Child c : kids) client.fetch(c.ref).thenAccept(done::add);
        for (int i = 0; i < kids.size(); i++) {
            ByteBuffer payload = done.poll(60, TimeUnit.SECONDS);
            if (payload == null) throw new IllegalStateException("a fetch did not complete within 60 s");
            TensorCodec.addTo(payload, acc);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** The transport alone: the same streaming fetches with a consumer that drops the bytes. */
    private static double fetchOnly(BlobClient client, List<Child> kids) {
        long start = System.nanoTime();
        List<CompletableFuture<Long>> fetches = new ArrayList<>();
        for (Child c : kids) fetches.add(client.fetch(c.ref, chunk -> chunk.position(chunk.limit())));
        CompletableFuture.allOf(fetches.toArray(new CompletableFuture<?>[0])).join();
        return (System.nanoTime() - start) / 1e6;
    }

    @FunctionalInterface
    private interface Timed {
        double run() throws Exception;
    }

    /** Raw requests: the child writes the payload in one call, or in the blob server's windows. */
    static final byte ONE_WRITE = 1;
    static final byte WINDOWED = 2;

    /** The same bytes over plain blocking sockets, one thread per child, into a reused buffer. */
    private static double rawCopy(ExecutorService pool, List<SocketChannel> connections, long bytes, int chunk,
            byte how) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> copies = new ArrayList<>();
        for (SocketChannel ch : connections) {
            copies.add(pool.submit(() -> {
                ByteBuffer buf = buffers.get(chunk);
                ch.write(ByteBuffer.wrap(new byte[] {how}));
                for (long left = bytes; left > 0; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    int n = ch.read(buf);
                    if (n < 0) throw new IOException("raw server closed early");
                    left -= n;
                }
                return null;
            }));
        }
        for (Future<?> f : copies) f.get();
        return (System.nanoTime() - start) / 1e6;
    }

    /** One reused direct buffer per raw-copy thread, like the client's per-connection chunk buffer. */
    private static final class Buffers extends ThreadLocal<ByteBuffer> {
        ByteBuffer get(int size) {
            ByteBuffer b = get();
            if (b == null || b.capacity() != size) set(b = ByteBuffer.allocateDirect(size));
            return b;
        }
    }

    private static final Buffers buffers = new Buffers();

    private static Child startChild(int k, int floats, Path keys) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        String cores = System.getProperty("scrl.bench.childCores", "");
        if (!cores.isEmpty()) cmd.addAll(List.of("taskset", "-c", cores)); // the senders apart from the receiver
        cmd.addAll(List.of(java, "-Xmx768m", "-cp", classPath(), BenchmarkChild.class.getName(), String.valueOf(k),
                String.valueOf(floats), keys.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("READY ")) {
            p.destroyForcibly();
            throw new IOException("child " + k + " did not start: " + line);
        }
        String[] f = line.split(" ");
        BlobRef ref = new BlobRef("127.0.0.1", Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        return new Child(p, ref, new BlobRef(ref.host(), ref.port(), ref.id(), ref.bytes(), f[5]),
                new BlobRef(ref.host(), Integer.parseInt(f[6]), Long.parseLong(f[7]), ref.bytes()), Integer.parseInt(f[4]));
    }

    /** This JVM's class path, plus where this class came from (exec:java runs inside Maven's JVM). */
    private static String classPath() {
        String own;
        try {
            own = Path.of(TransportBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            own = "";
        }
        String cp = System.getProperty("java.class.path", "");
        return own.isEmpty() ? cp : own + File.pathSeparator + cp;
    }

    private static String check(float[] acc, int children) {
        float base = children * (children - 1) / 2f;
        for (int i = 0; i < acc.length; i += 4099) {
            float expected = base + children * ((i & 1023) / 1024f);
            if (acc[i] != expected) return "WRONG at " + i + ": " + acc[i] + " != " + expected;
        }
        return "ok";
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
