package org.elasticscrl.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.elasticscrl.report.MetricsLog;
import org.elasticscrl.report.Csv;

/**
 * What the coordinator records in the run directory, for people and for the invariant checks:
 * {@code metrics.csv}/{@code epochs.csv} (as {@code scrl train} writes them), {@code commits.csv}
 * (every committed step: its epoch, chunks and who computed them — the ledger audit, I2),
 * {@code checksums.csv} (every replica's state checksum per commit, I1) and {@code membership.csv}
 * (joins, leaves, faults with timestamps), {@code traffic.csv} (the bytes each node's tensor transport sent and
 * received per step, {@link TrafficBook}), {@code replayed.csv} (steps computed again after a
 * takeover or restart: their loss should match the first time's). Files are appended a whole line at
 * a time as the run goes ({@link AppendedLines}). A commit's row must be written before the commit is
 * announced ({@link #commit} throws); the diagnostic rows (events, checksums, metrics) are dropped while
 * the disk is full, the failure kept for the operator ({@link #writeError}).
 */
public final class RunFiles implements AutoCloseable {
    private final Path dir;
    private final MetricsLog metrics;
    private final AppendedLines commits;
    private final AppendedLines checksums;
    private final AppendedLines membership;
    private final AppendedLines traffic;
    private final TrafficBook trafficBook = new TrafficBook();
    private final Predicate<Path> fault;
    /** The last failed write of a diagnostic row, for the operator (null: none since the last success). */
    private volatile String writeError;
    /** The last step in commits.csv: a coordinator that took over never writes a step twice. */
    private long lastCommit;
    /** Steps committed again after a restart or takeover, with their loss (a determinism check). */
    private AppendedLines replayed;

    public RunFiles(Path dir) {
        this(dir, file -> false);
    }

    /** {@code fault}: writes to the files it names fail as on a full disk (tests and fault injection). */
    RunFiles(Path dir, Predicate<Path> fault) {
        this.dir = dir;
        this.fault = fault;
        try {
            Files.createDirectories(dir);
            metrics = new MetricsLog(dir);
            lastCommit = lastStep(dir.resolve("commits.csv"));
            commits = open("commits.csv", "global_step,epoch,step_in_epoch,membership_epoch,samples,lr,tau,"
                    + "weight_decay,ssl_loss,seconds,chunks");
            checksums = open("checksums.csv", "global_step,worker,checksum");
            membership = open("membership.csv", "unix_millis,global_step,membership_epoch,worker,event,detail");
            traffic = open("traffic.csv", "global_step,node,sent_bytes,received_bytes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run directory " + dir, e);
        }
    }

    private AppendedLines open(String name, String header) throws IOException {
        return new AppendedLines(dir.resolve(name), header, fault);
    }

    public Path dir() {
        return dir;
    }

    /** The last step recorded in commits.csv (-1: none). */
    public long lastCommit() {
        return lastCommit;
    }

    public MetricsLog metrics() {
        return metrics;
    }

    private static long lastStep(Path csv) throws IOException {
        long last = -1;
        for (String[] row : Csv.dataRows(csv, 1)) {
            try {
                last = Math.max(last, Long.parseLong(row[0]));
            } catch (NumberFormatException e) {
                // a line cut short by a crash
            }
        }
        return last;
    }

    private static String fmt(String format, double v) {
        return String.format(java.util.Locale.ROOT, format, v);
    }

    /**
     * A committed step; {@code answers} maps each chunk to the worker that computed it. False when the
     * step is already recorded (a coordinator that took over recomputed it: the row goes to replayed.csv).
     *
     * @throws IOException when the row cannot be written (a full disk): nothing of it is; write it again
     */
    public boolean commit(long step, int epoch, int stepInEpoch, int membershipEpoch, int samples, double lr, double tau,
            double wd, double loss, double seconds, Map<Integer, String> answers) throws IOException {
        if (step <= lastCommit) {
            if (replayed == null) {
                replayed = open("replayed.csv", "global_step,epoch,samples,ssl_loss,unix_millis");
            }
            replayed.append(Csv.row(step, epoch, samples, fmt("%.9f", loss), System.currentTimeMillis()));
            return false;
        }
        String chunks = answers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(" "));
        commits.append(Csv.row(step, epoch, stepInEpoch, membershipEpoch, samples, fmt("%.17g", lr), fmt("%.17g", tau),
                fmt("%.6g", wd), fmt("%.9f", loss), fmt("%.3f", seconds), chunks));
        lastCommit = step;
        return true;
    }

    /** Why the last diagnostic row could not be written (null: the last one was). */
    public String writeError() {
        return writeError;
    }

    /** A step's row of metrics.csv (dropped, the failure kept, when it cannot be written). */
    public void stepRow(long step, int epoch, org.elasticscrl.protocol.StepMetrics m, double lr, double tau, double seconds) {
        diagnostic(() -> metrics.step(new MetricsLog.StepRow(step, epoch, m.sslLoss(),
                m.samples() == 0 ? Double.NaN : m.ceLossSum() / m.samples(),
                m.evaluated() == 0 ? Double.NaN : (double) m.correct() / m.evaluated(), lr, tau, m.samples() / seconds,
                seconds)));
    }

    /** An epoch's row of epochs.csv (dropped, the failure kept, when it cannot be written). */
    public void epochRow(int epoch, double loss, double onlineAccuracy, double seconds) {
        diagnostic(() -> metrics.epoch(new MetricsLog.EpochRow(epoch, loss, onlineAccuracy, 0, seconds)));
    }

    public void checksum(long step, String worker, long checksum) {
        diagnostic(() -> checksums.append(Csv.row(step, cell(worker), Long.toHexString(checksum))));
    }

    /**
     * {@code worker} applied {@code step}, its tensor transport's totals so far {@code sent}/{@code received}; the
     * coordinator's own transport is {@code own}: their rows of traffic.csv (dropped while the disk is full).
     */
    public void traffic(long step, String worker, long sent, long received, org.elasticscrl.protocol.Tensors own) {
        for (TrafficBook.Row r : trafficBook.applied(cell(worker), step, sent, received, own.bytesSent(),
                own.bytesReceived())) {
            diagnostic(() -> traffic.append(Csv.row(r.step(), r.node(), r.sent(), r.received())));
        }
    }

    public void event(long step, int membershipEpoch, String worker, String event, String detail) {
        diagnostic(() -> membership.append(Csv.row(System.currentTimeMillis(), step, membershipEpoch, cell(worker),
                cell(event), cell(detail))));
    }

    private interface Write {
        void run() throws IOException;
    }

    /** A row that records, not decides: while it cannot be written the run goes on; the operator sees why. */
    private void diagnostic(Write w) {
        try {
            w.run();
            writeError = null;
        } catch (IOException e) {
            writeError = e.getMessage();
        }
    }

    /** The end of a run: {@code results.json}, {@code curves.png} and the report ({@link RunReport}). */
    public void finish(String resultsJson) {
        try {
            Files.writeString(dir.resolve("results.json"), resultsJson);
            org.elasticscrl.report.Curves.write(dir.resolve("curves.png"), metrics);
            RunReport.write(dir, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results into " + dir, e);
        }
    }

    /**
     * A text cell as written (quoted by the CSV writer where it holds a comma, a quote or a line break) but for control
     * characters other than line breaks and tabs: texts come from peers, and the files are read on terminals.
     */
    static String cell(String text) {
        return text.codePoints().map(c -> c != '\n' && c != '\t' && Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    @Override
    public void close() {
        for (AutoCloseable c : java.util.stream.Stream.of(metrics, commits, checksums, membership, traffic, replayed)
                .filter(java.util.Objects::nonNull).toList()) {
            try {
                c.close();
            } catch (Exception e) {
                // closing at shutdown: nothing left to do with the error
            }
        }
    }
}
