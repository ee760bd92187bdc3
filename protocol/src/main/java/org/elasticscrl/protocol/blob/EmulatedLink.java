package org.elasticscrl.protocol.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A node's network link as the benchmarks emulate it, applied by the tensor transport itself: every byte the node's
 * blob server and client write goes through its uplink, every byte they read through its downlink (a full-duplex
 * NIC of {@code bytesPerSecond} each way, shared by all of the node's connections), and each request and each answer
 * starts one-way {@code latency} late. So several nodes on one machine move tensors as if each had its own NIC, and
 * the bytes each node sends and receives are counted, not estimated. {@link #counting()} only counts.
 *
 * <p>Bytes move in quanta of {@link #QUANTUM}: a write waits until the uplink is free for its quantum, a read waits
 * after it until the downlink would have carried what it got — so TCP's flow control carries a receiver's pace back to
 * its sender, and no burst exceeds a quantum. A counting link ({@link #counting()}, every node's when it emulates
 * nothing) neither splits nor waits: it adds each read's and write's byte count, nothing more.
 */
public final class EmulatedLink {
    /** The most bytes one read or write moves before the pace is applied. */
    static final int QUANTUM = 64 << 10;

    /**
     * Bytes over a direction, paced at a rate: when the link is next free, in nanoseconds. A link idle for a while
     * does not bank it beyond {@link #SLACK_NANOS}: that slack only makes up for a wait that overslept (a thread
     * wakes late by tens of microseconds), so the pace holds over many short waits.
     */
    static final class Pacer {
        static final long SLACK_NANOS = 2_000_000;
        private final double nanosPerByte;
        private long freeAt = Long.MIN_VALUE / 2;

        Pacer(double bytesPerSecond) {
            this.nanosPerByte = Double.isInfinite(bytesPerSecond) ? 0 : 1e9 / bytesPerSecond;
        }

        /** Books {@code bytes} moved at {@code now}; returns how long to wait until the link has carried them. */
        synchronized long book(long bytes, long now) {
            long start = Math.max(freeAt, now - SLACK_NANOS);
            freeAt = start + (long) Math.ceil(bytes * nanosPerByte);
            return freeAt - now;
        }

        /** Books {@code bytes} about to be sent at {@code now}; returns how long to wait until the link is free for them. */
        synchronized long bookAhead(long bytes, long now) {
            long start = Math.max(freeAt, now - SLACK_NANOS);
            freeAt = start + (long) Math.ceil(bytes * nanosPerByte);
            return start - now;
        }
    }

    /**
     * The time a direction was busy: from each read or write that moved bytes to the next one, when it came within
     * {@link #IDLE_NANOS} (a gap that long is idleness, not a transfer). Across all of the node's connections, so
     * bytes ÷ busy time is the throughput the link gave while in use — what sharded aggregation balances shares by.
     */
    static final class Busy {
        /** Longer than a quantum takes at 100 Mb/s (5.2 ms), far shorter than a step. */
        static final long IDLE_NANOS = 20_000_000;
        private long last = Long.MIN_VALUE / 2;
        private long total;

        synchronized void moved(long now) {
            long gap = now - last;
            if (gap > 0 && gap < IDLE_NANOS) {
                total += gap;
            }
            last = Math.max(last, now);
        }

        synchronized long nanos() {
            return total;
        }
    }

    private final Busy sending = new Busy();
    private final Busy receiving = new Busy();
    private final double bytesPerSecond;
    private final long latencyNanos;
    private final Pacer up;
    private final Pacer down;
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongSupplier clock;
    /** False for a counting link: bytes pass as they come, only counted. */
    private final boolean shaping;
    /** Both directions paced by one budget. */
    private final boolean shared;

    EmulatedLink(double bytesPerSecond, Duration latency, LongSupplier clock) {
        this(bytesPerSecond, latency, false, clock);
    }

    /** {@code shared}: one budget for both directions (a half-duplex link, or a cap on a node's total traffic). */
    EmulatedLink(double bytesPerSecond, Duration latency, boolean shared, LongSupplier clock) {
        if (!(bytesPerSecond > 0) || latency.isNegative()) {
            throw new IllegalArgumentException("an emulated link needs a positive bandwidth and a latency >= 0, not "
                    + bytesPerSecond + " B/s and " + latency);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.latencyNanos = latency.toNanos();
        this.up = new Pacer(bytesPerSecond);
        this.down = shared ? up : new Pacer(bytesPerSecond);
        this.shared = shared;
        this.clock = clock;
        this.shaping = !Double.isInfinite(bytesPerSecond) || latencyNanos > 0;
    }

    /** A link of {@code bitsPerSecond} each way (e.g. 1e9 for 1 Gb/s) and one-way {@code latency}. */
    public static EmulatedLink of(double bitsPerSecond, Duration latency) {
        return new EmulatedLink(bitsPerSecond / 8, latency, System::nanoTime);
    }

    /**
     * {@code RATE[:LATENCY][/shared]} as the command line gives it: a rate in {@code kbit}, {@code mbit} or
     * {@code gbit} per second each way — or, with {@code /shared}, for both directions together (a half-duplex link,
     * or a cap on a node's total traffic) — and a one-way latency in {@code us}, {@code ms} or {@code s} (default 0),
     * e.g. {@code 1gbit:0.1ms}; {@code count} only counts.
     *
     * @throws IllegalArgumentException naming {@code flag} and what is accepted
     */
    public static EmulatedLink parse(String spec, String flag) {
        if (spec.equals("count")) {
            return counting();
        }
        var m = java.util.regex.Pattern.compile(
                "(\\d+(?:\\.\\d+)?)(kbit|mbit|gbit)(?::(\\d+(?:\\.\\d+)?)(us|ms|s))?(/shared)?")
                .matcher(spec.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches() || Double.parseDouble(m.group(1)) <= 0) {
            throw new IllegalArgumentException(flag + ": '" + spec + "' is not RATE[:LATENCY][/shared] (e.g. 1gbit:0.1ms,"
                    + " 500mbit, 10gbit:50us, 1gbit/shared) or count");
        }
        double bits = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            default -> 1e9;
        };
        double latency = m.group(3) == null ? 0 : Double.parseDouble(m.group(3)) * switch (m.group(4)) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return new EmulatedLink(bits / 8, Duration.ofNanos(Math.round(latency)), m.group(5) != null, System::nanoTime);
    }

    /** No emulation: bytes are only counted. */
    public static EmulatedLink counting() {
        return new EmulatedLink(Double.POSITIVE_INFINITY, Duration.ZERO, System::nanoTime);
    }

    /** Bytes this node's transport has written (requests, answers, payloads). */
    public long bytesSent() {
        return sent.sum();
    }

    /** Bytes this node's transport has read. */
    public long bytesReceived() {
        return received.sum();
    }

    /** Nanoseconds this node's transport was busy sending (see {@link Busy}). */
    public long sendingNanos() {
        return sending.nanos();
    }

    /** Nanoseconds this node's transport was busy receiving. */
    public long receivingNanos() {
        return receiving.nanos();
    }

    public double bytesPerSecond() {
        return bytesPerSecond;
    }

    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    @Override
    public String toString() {
        return Double.isInfinite(bytesPerSecond) ? "unshaped (counted)" : String.format(java.util.Locale.ROOT,
                "%.3g Gb/s %s, %d µs one way", bytesPerSecond * 8 / 1e9, shared ? "both ways together" : "each way",
                latencyNanos / 1000);
    }

    /** {@code io} (an opened connection, plaintext side) through this link. */
    ByteChannel shape(ByteChannel io) {
        return new Shaped(io);
    }

    /** Waits {@code nanos} (parks: {@code Thread.sleep} rounds sub-millisecond waits up to a millisecond on Java 17). */
    private void sleep(long nanos) throws IOException {
        for (long until = clock.getAsLong() + nanos, left = nanos; left > 0; left = until - clock.getAsLong()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while pacing an emulated link");
            }
        }
    }

    /**
     * A connection's channel through the link. The first write after a read (an answer after its request, the next
     * request after an answer) waits one-way latency: one round trip per request, as on a real path.
     */
    private final class Shaped implements ByteChannel {
        private final ByteChannel io;
        private boolean reading = true;

        Shaped(ByteChannel io) {
            this.io = io;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!shaping) {
                int n = io.read(dst);
                if (n > 0) {
                    received.add(n);
                    receiving.moved(clock.getAsLong());
                }
                return n;
            }
            reading = true;
            int limit = dst.limit();
            dst.limit(dst.position() + Math.min(QUANTUM, dst.remaining()));
            int n;
            try {
                n = io.read(dst);
            } finally {
                dst.limit(limit);
            }
            if (n > 0) {
                received.add(n);
                sleep(down.book(n, clock.getAsLong()));
                receiving.moved(clock.getAsLong());
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!shaping) {
                int n = io.write(src);
                sent.add(n);
                sending.moved(clock.getAsLong());
                return n;
            }
            if (reading) {
                reading = false;
                sleep(latencyNanos);
            }
            int limit = src.limit();
            src.limit(src.position() + Math.min(QUANTUM, src.remaining()));
            int n;
            try {
                sleep(up.bookAhead(src.remaining(), clock.getAsLong()));
                n = io.write(src); // blocking channels write all they are given
            } finally {
                src.limit(limit);
            }
            sent.add(n);
            sending.moved(clock.getAsLong());
            return n;
        }

        @Override
        public boolean isOpen() {
            return io.isOpen();
        }

        @Override
        public void close() throws IOException {
            io.close();
        }
    }
}
