package org.elasticscrl.node.downing;

/**
 * When a downing decision may be taken, a pure function of what this node saw and when: once the membership and
 * the unreachability records (their fingerprint) have not changed for {@code stableAfter}; never on the first
 * look after a pause of this node (a gap between looks longer than {@code pause}: a frozen JVM's picture is
 * stale, and the marks it makes on waking are not yet answered); and, when the records keep changing, after
 * {@code decideWhenUnstable} more — taken on the records as they are. Times in nanoseconds.
 */
final class DecisionClock {
    enum Verdict { WAIT, STABLE, UNSTABLE_TOO_LONG }

    private final long stableAfter;
    private final long decideWhenUnstable;
    private final long pause;
    private String fingerprint = "";
    private long lastLook;
    private long stableSince;
    /** When the records first became non-empty, or changed after a decision; 0 when there are none. */
    private long unstableSince;
    private long pausedFor;

    DecisionClock(long stableAfter, long decideWhenUnstable, long pause, long now) {
        this.stableAfter = stableAfter;
        this.decideWhenUnstable = decideWhenUnstable;
        this.pause = pause;
        this.lastLook = now;
        this.stableSince = now;
    }

    /** A look at {@code fingerprint} at {@code now}; {@code records}: whether any record is unreachable. */
    Verdict look(long now, String fingerprint, boolean records) {
        pausedFor = now - lastLook > pause ? now - lastLook : 0;
        lastLook = now;
        if (!records) {
            unstableSince = 0;
            this.fingerprint = fingerprint;
            return Verdict.WAIT;
        }
        boolean changed = !fingerprint.equals(this.fingerprint);
        if (pausedFor > 0 || changed) {
            this.fingerprint = fingerprint;
            stableSince = now;
            if (unstableSince == 0) {
                unstableSince = now;
            }
        } else if (now - stableSince >= stableAfter) {
            return Verdict.STABLE;
        }
        return pausedFor == 0 && now - unstableSince >= stableAfter + decideWhenUnstable
                ? Verdict.UNSTABLE_TOO_LONG : Verdict.WAIT;
    }

    /** A decision was taken at {@code now}: the next one waits for a new stable (or unstable) period. */
    void decided(long now) {
        stableSince = now;
        unstableSince = now;
    }

    /** How long this node was paused before the last look (0: it was not). */
    long pausedFor() {
        return pausedFor;
    }
}
