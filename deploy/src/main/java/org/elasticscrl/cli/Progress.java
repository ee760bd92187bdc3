package org.elasticscrl.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr (redrawn in place on a terminal, one line per update otherwise). */
final class Progress {
    private static final int WIDTH = 30;
    private final String label;
    private final long total;
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastDone = -1;

    Progress(String label, long total) {
        this.label = label;
        this.total = total;
    }

    void update(long done) {
        update(done, "");
    }

    void update(long done, String status) {
        if (!terminal && done == lastDone) {
            return; // a log file gets a line per change, not per poll
        }
        lastDone = done;
        double f = total == 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(f * WIDTH);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
        String line = String.format("%s [%s%s] %d/%d %s elapsed %s eta %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, status, clock(elapsed), clock(eta));
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A line of its own above the bar. */
    void note(String line) {
        out.print(terminal ? "\r" + line + "\u001b[K\n" : line + "\n");
        out.flush();
    }

    void done() {
        if (terminal) {
            out.println();
        }
    }

    static String clock(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }
}
