package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.elasticscrl.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code scrl chaos}: a local cluster through a seeded random fault schedule, then the table of
 * what it cost — committed steps lost, samples missed or counted twice, replica checksum
 * mismatches, the longest time to a decision and the longest stall. Exit code 0 only when nothing
 * was lost and every fault was injected and decided.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill, freeze, drain and add nodes of a local cluster while it trains; audit the run.")
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "scrl_cpu", description = "Preset or YAML file (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--workers", defaultValue = "3", description = "Workers at the start (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--faults", defaultValue = "6", description = "Faults to inject (default: ${DEFAULT-VALUE}).")
    int faults;

    @Option(names = "--interval", defaultValue = "8", description = "Seconds the cluster settles between faults,"
            + " on average (default: ${DEFAULT-VALUE}); faults are spread over the first 60% of the run's steps.")
    double interval;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", defaultValue = "1800", description = "Give up after this many seconds.")
    long timeout;

    @Option(names = "--top_dir", defaultValue = ".", description = "Where runs/ is created.")
    Path topDir;

    @Option(names = "--full-disk", description = "A directory on a small file system (smaller than one checkpoint"
            + " copy, e.g. a 1 MB tmpfs) where the full-disk worker writes its copies, so that the disk really is full;"
            + " without it, that worker's writes fail by injection (scrl worker --disk-fault full).")
    Path fullDisk;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(overrides);
        CoordinatorCommand.Prepared run = CoordinatorCommand.prepare(config, args, topDir);
        System.err.printf("scrl chaos: %d faults, seed %d, %d workers + 2 coordinators, run in %s%n", faults, seed,
                workers, run.dir());
        if (fullDisk != null && !Files.isDirectory(fullDisk)) {
            System.err.println("scrl chaos: --full-disk " + fullDisk + " is not a directory");
            return 2;
        }
        System.err.println("scrl chaos: a full disk is " + (fullDisk == null ? "injected (no --full-disk)" : "real: "
                + fullDisk + ", " + Files.getFileStore(fullDisk).getTotalSpace() / 1024 + " KiB"));
        ChaosRun.Result r = new ChaosRun(run, workers, faults, interval, seed, fullDisk).run(timeout);
        System.out.print(report(r));
        writeJson(r);
        boolean decided = faultDecisions(r).allMatch(v -> v >= 0);
        if (r.faults().size() < faults) {
            System.err.printf("scrl chaos: the run ended after %d of %d faults (faults wait for their step and %.0f-%.0f s"
                    + " after the previous one): give it more steps (--train/max_epochs) or a shorter --interval%n",
                    r.faults().size(), faults, interval * 0.5, interval * 1.5);
        }
        return r.audit().clean() && r.copies().clean() && r.leaversStillRunning().isEmpty() && decided && r.faults().size() == faults && r.exitCode() == 0
                ? 0 : 1;
    }

    static String report(ChaosRun.Result r) {
        Table t = new Table("measure", "value");
        t.row("faults injected", r.faults().size() + " " + ChaosRun.counts(r.faults()).toString().toLowerCase(Locale.ROOT));
        t.row("committed steps", r.audit().committed() + " of " + r.audit().expectedSteps());
        t.row("committed steps lost", Long.toString(r.audit().lostSteps()));
        t.row("steps committed twice", Long.toString(r.audit().repeatedSteps()));
        t.row("samples missed / duplicated", r.audit().missedSamples() + " / " + r.audit().duplicatedSamples());
        t.row("replica checksum mismatches", r.audit().checksumMismatches() + " (" + r.audit().commitsChecked()
                + " commits checked)");
        t.row("temporaries left / copies wrong", r.copies().temporaries().size() + " / " + r.copies().problems().size()
                + (r.copies().clean() ? "" : " " + r.copies().temporaries() + " " + r.copies().problems())
                + (r.copies().abandoned().isEmpty() ? "" : " (and " + r.copies().abandoned().size()
                + " on workers killed and never started again)"));
        t.row("workers told to leave still running", r.leaversStillRunning().size()
                + (r.leaversStillRunning().isEmpty() ? "" : " " + r.leaversStillRunning()));
        long undecided = faultDecisions(r).filter(v -> v < 0).count();
        long max = faultDecisions(r).mapToLong(Long::longValue).max().orElse(-1);
        t.row("max time to decision", String.format(Locale.ROOT, "%.1f s%s", max / 1000.0,
                undecided > 0 ? " (" + undecided + " faults without a decision)" : ""));
        long join = r.decisionMillis().entrySet().stream().filter(e -> e.getKey().kind() == ChaosRun.Kind.JOIN_WORKER)
                .mapToLong(Map.Entry::getValue).max().orElse(-1);
        t.row("max join to active", join < 0 ? "-" : String.format(Locale.ROOT, "%.1f s (JVM start included)",
                join / 1000.0));
        t.row("max stall between commits", String.format(Locale.ROOT, "%.1f s", r.maxStallMillis() / 1000.0));
        t.row("run", r.dir() + String.format(Locale.ROOT, " (exit %d, %.0f s)", r.exitCode(), r.seconds()));
        StringBuilder b = new StringBuilder(t.toString());
        r.decisionMillis().forEach((f, ms) -> b.append(String.format(Locale.ROOT, "  %-16s %-28s after %3d commits:"
                + " decided in %s%n", f.kind().name().toLowerCase(Locale.ROOT), f.target(), f.afterSteps(),
                ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0))));
        return b.toString();
    }

    /** Decision times of the faults proper (a join is not a fault: its time is the new JVM's start-up). */
    private static java.util.stream.Stream<Long> faultDecisions(ChaosRun.Result r) {
        return r.decisionMillis().entrySet().stream().filter(e -> e.getKey().kind() != ChaosRun.Kind.JOIN_WORKER)
                .map(Map.Entry::getValue);
    }

    private static void writeJson(ChaosRun.Result r) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        // at_millis: a campaign's records (membership.csv) can be audited again against its faults
        m.put("faults", r.faults().stream().map(f -> Map.of("kind", f.kind().name(), "target", f.target(),
                "at_millis", f.atMillis(), "after_steps", f.afterSteps(), "decision_ms", r.decisionMillis().get(f)))
                .toList());
        m.put("audit", r.audit());
        m.put("copies", Map.of("temporaries", r.copies().temporaries().stream().map(Path::toString).toList(),
                "abandoned", r.copies().abandoned().stream().map(Path::toString).toList(),
                "problems", r.copies().problems()));
        m.put("leavers_still_running", r.leaversStillRunning());
        m.put("max_stall_ms", r.maxStallMillis());
        m.put("exit_code", r.exitCode());
        Files.writeString(r.dir().resolve("chaos.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
    }
}
