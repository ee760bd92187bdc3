package org.elasticscrl.coordinator;

import java.io.IOException;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;

/**
 * A commit whose record the disk refused (full, or any write error): the commit is not announced — it
 * is replicated, so nothing is lost — and its record is tried again every {@link #EVERY} until it is
 * written; the run pauses meanwhile, and the operator sees why ({@code scrl status}: state
 * {@code disk-full}). Nothing is half-written ({@link AppendedLines}).
 */
final class WriteStall {
    /** Time to try the refused write again. */
    record Retry() implements Command {}

    static final Duration EVERY = Duration.ofSeconds(5);
    private final TimerScheduler<Command> timers;
    private final Roster roster;
    private String why;
    private Runnable again;

    WriteStall(TimerScheduler<Command> timers, Roster roster) {
        this.timers = timers;
        this.roster = roster;
    }

    /** The write {@code again} does failed with {@code e}: it runs again after {@link #EVERY}. */
    void failed(IOException e, Runnable again) {
        if (why == null) {
            roster.event("coordinator", "disk-full", e.getMessage() + "; the commit waits, its write is tried again"
                    + " every " + EVERY.toSeconds() + " s");
        }
        why = "cannot record the commit: " + e.getMessage() + " (free space in the run directory; retried every "
                + EVERY.toSeconds() + " s)";
        this.again = again;
        timers.startSingleTimer(Retry.class, new Retry(), EVERY);
    }

    void retry() {
        Runnable r = again;
        again = null;
        if (r != null) {
            r.run();
        }
    }

    /** The write went through: the run goes on. */
    void cleared() {
        if (why != null) {
            why = null;
            roster.event("coordinator", "disk-ok", "the commit's record is written; the run goes on");
        }
    }

    /** Why the run waits for the disk, or null. */
    String why() {
        return why;
    }
}
