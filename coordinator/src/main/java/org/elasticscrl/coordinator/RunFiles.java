package org.elasticscrl.coordinator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.elasticscrl.report.MetricsLog;

/**
 * What the coordinator records in the run directory, for people and for the invariant checks:
 * {@code metrics.csv}/{@code epochs.csv} (as {@code scrl train} writes them), {@code commits.csv}
 * (every committed step: its epoch, chunks and who computed them — the ledger audit, I2),
 * {@code checksums.csv} (every replica's state checksum per commit, I1) and {@code membership.csv}
 * (joins, leaves, faults with timestamps), {@code replayed.csv} (steps computed again after a
 * takeover or restart: their loss should match the first time's). Files are appended and flushed
 * as the run goes.
 */
public final class RunFiles implements AutoCloseable {
    private final Path dir;
    private final MetricsLog metrics;
    private final BufferedWriter commits;
    private final BufferedWriter checksums;
    private final BufferedWriter membership;
    /** The last step in commits.csv: a coordinator that took over never writes a step twice. */
    private long lastCommit;
    /** Steps committed again after a restart or takeover, with their loss (a determinism check). */
    private BufferedWriter replayed;

    public RunFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            metrics = new MetricsLog(dir);
            lastCommit = lastStep(dir.resolve("commits.csv"));
            commits = open("commits.csv", "global_step,epoch,step_in_epoch,membership_epoch,samples,lr,tau,"
                    + "weight_decay,ssl_loss,seconds,chunks");
            checksums = open("checksums.csv", "global_step,worker,checksum");
            membership = open("membership.csv", "unix_millis,global_step,membership_epoch,worker,event,detail");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run directory " + dir, e);
        }
    }

    private BufferedWriter open(String name, String header) throws IOException {
        Path file = dir.resolve(name);
        boolean fresh = !Files.exists(file);
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (fresh) {
            w.write(header);
            w.newLine();
            w.flush();
        }
        return w;
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
        if (!Files.exists(csv)) {
            return -1;
        }
        long last = -1;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            try {
                last = Math.max(last, Long.parseLong(line.substring(0, Math.max(0, line.indexOf(',')))));
            } catch (NumberFormatException e) {
                // the header, or a line cut short by a crash
            }
        }
        return last;
    }

    /**
     * A committed step; {@code answers} maps each chunk to the worker that computed it. False (and
     * nothing written) when the step is already recorded: a coordinator that took over recomputed it.
     */
    public boolean commit(long step, int epoch, int stepInEpoch, int membershipEpoch, int samples, double lr, double tau,
            double wd, double loss, double seconds, Map<Integer, String> answers) {
        if (step <= lastCommit) {
            try {
                if (replayed == null) {
                    replayed = open("replayed.csv", "global_step,epoch,samples,ssl_loss,unix_millis");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            write(replayed, String.format(java.util.Locale.ROOT, "%d,%d,%d,%.9f,%d", step, epoch, samples, loss,
                    System.currentTimeMillis()));
            return false;
        }
        lastCommit = step;
        String chunks = answers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(" "));
        write(commits, String.format(java.util.Locale.ROOT, "%d,%d,%d,%d,%d,%.17g,%.17g,%.6g,%.9f,%.3f,%s", step, epoch,
                stepInEpoch, membershipEpoch, samples, lr, tau, wd, loss, seconds, chunks));
        return true;
    }

    /** A step's row of metrics.csv. */
    public void stepRow(long step, int epoch, org.elasticscrl.protocol.StepMetrics m, double lr, double tau, double seconds) {
        try {
            metrics.step(new MetricsLog.StepRow(step, epoch, m.sslLoss(),
                    m.samples() == 0 ? Double.NaN : m.ceLossSum() / m.samples(),
                    m.evaluated() == 0 ? Double.NaN : (double) m.correct() / m.evaluated(), lr, tau, m.samples() / seconds,
                    seconds));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An epoch's row of epochs.csv. */
    public void epochRow(int epoch, double loss, double onlineAccuracy, double seconds) {
        try {
            metrics.epoch(new MetricsLog.EpochRow(epoch, loss, onlineAccuracy, 0, seconds));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void checksum(long step, String worker, long checksum) {
        write(checksums, step + "," + worker + "," + Long.toHexString(checksum));
    }

    public void event(long step, int membershipEpoch, String worker, String event, String detail) {
        write(membership, System.currentTimeMillis() + "," + step + "," + membershipEpoch + "," + cell(worker) + ","
                + cell(event) + "," + cell(detail));
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

    /** A field of a row: no separator, no line break or other control character (texts come from peers). */
    static String cell(String text) {
        return text.codePoints().map(c -> c == ',' ? ';' : Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static void write(BufferedWriter w, String line) {
        try {
            w.write(line);
            w.newLine();
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : java.util.stream.Stream.of(metrics, commits, checksums, membership, replayed)
                .filter(java.util.Objects::nonNull).toList()) {
            try {
                c.close();
            } catch (Exception e) {
                // closing at shutdown: nothing left to do with the error
            }
        }
    }
}
