package org.elasticscrl.protocol.blob;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Timeouts for blocking channels, which have none of their own: a watched operation reports progress,
 * and one thread closes the channel of any operation silent for longer than its timeout, which wakes the
 * blocked thread with an exception. Transfers run at full blocking speed; the cost is a volatile write per
 * read or write.
 */
final class Watchdog implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();

    /** @param every how often to look; a timeout fires up to this much late */
    Watchdog(String threadName, Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, every.toMillis());
        timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts watching an operation on {@code channel}; close the watch when the operation ends. */
    Watch watch(Closeable channel, Duration timeout) {
        Watch w = new Watch(channel, timeout.toNanos(), false);
        active.add(w);
        return w;
    }

    /**
     * As {@link #watch}, but the operation must end within {@code deadline} however much progress it
     * reports: a peer trickling a byte at a time cannot hold it open (a handshake's bound).
     */
    Watch deadline(Closeable channel, Duration deadline) {
        Watch w = new Watch(channel, deadline.toNanos(), true);
        active.add(w);
        return w;
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : active) {
            if (now - w.lastProgress > w.timeoutNanos) {
                w.expired = true;
                active.remove(w);
                try {
                    w.channel.close();
                } catch (IOException ignored) {
                    // closing is all we can do; the blocked operation fails either way
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One watched operation. */
    final class Watch implements AutoCloseable {
        private final Closeable channel;
        private final long timeoutNanos;
        private final boolean fixed;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean expired;

        private Watch(Closeable channel, long timeoutNanos, boolean fixed) {
            this.channel = channel;
            this.timeoutNanos = timeoutNanos;
            this.fixed = fixed;
        }

        void progress() {
            if (!fixed) {
                lastProgress = System.nanoTime();
            }
        }

        /** Whether the watchdog closed the channel because the operation stalled. */
        boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }
}
