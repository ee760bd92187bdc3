package org.elasticscrl.worker;

import java.util.concurrent.ExecutorService;

/**
 * A worker's durable checkpoint copies on its own disk: nothing half-written stays there — what a killed write left
 * is removed when the worker starts, and a worker told to end finishes the write under way or removes its temporary.
 */
final class CopyHygiene {
    private CopyHygiene() {}

    /**
     * A JVM told to end (SIGTERM: a leave, an operator stopping it) lets the copy being written finish (at most
     * {@link #COPY_GRACE_S} s), then removes any temporary left: nothing half-written stays on a disk that outlives the
     * worker. (The write thread is a daemon, and a JVM ending on a signal runs its shutdown hooks, then halts.)
     */
    static void finishCopiesAtExit(ExecutorService io, WorkerSettings settings, String saveDir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            io.shutdown();
            try {
                io.awaitTermination(COPY_GRACE_S, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            removeLeftovers(settings, saveDir);
        }, "scrl-copies-at-exit"));
    }

    static final int COPY_GRACE_S = 30;

    /**
     * The temporaries a killed copy write of this worker left (a crash, a power cut) go before anything else. Runs
     * on the replica thread: it logs through its own logger, not the actor's context.
     */
    static void removeLeftovers(WorkerSettings settings, String saveDir) {
        var log = org.slf4j.LoggerFactory.getLogger(Jobs.class);
        if (settings.checkpointDir() == null && saveDir == null) {
            return;
        }
        try {
            var removed = org.elasticscrl.platform.DurableFiles.removeTemporaries(settings.copiesDir(saveDir));
            if (!removed.isEmpty()) {
                log.warn("removed what a killed checkpoint write left: {}", removed);
            }
        } catch (java.io.IOException e) {
            log.warn("could not remove the temporaries in {}: {}", settings.copiesDir(saveDir), e.toString());
        }
    }
}
