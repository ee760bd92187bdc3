package org.elasticscrl.coordinator;

/**
 * An operator's pause: the step under way commits, the next one waits until resume — which starts it.
 * A pure object.
 */
final class Pause {
    private boolean on;
    /** The step that waits for resume (-1: none). */
    private long held = -1;

    boolean on() {
        return on;
    }

    /** Whether step {@code global} must wait (it is then the one resume starts). */
    boolean holds(long global) {
        if (on) {
            held = global;
        }
        return on;
    }

    /** Pause ({@code true}) or resume; returns the step to start now (-1: none). */
    long set(boolean pause) {
        on = pause;
        long start = pause ? -1 : held;
        if (!pause) {
            held = -1;
        }
        return start;
    }
}
