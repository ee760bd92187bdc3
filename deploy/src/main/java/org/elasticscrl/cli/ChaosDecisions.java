package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.elasticscrl.cli.ChaosRun.Fault;
import org.elasticscrl.cli.ChaosRun.Kind;
import org.elasticscrl.report.Csv;

/**
 * What the coordinator decided about each injected fault, read from the run's records: the first event in
 * membership.csv that answers it, and whether a worker's chunks were committed after it.
 */
final class ChaosDecisions {
    /** Two faults this close together: the second may cut the coordinator's record of the first. */
    static final long CLOSE_MILLIS = 2_000;
    /**
     * A worker told to leave (SIGTERM) finishes the job under way first — a step, a checkpoint copy: seed 5's took
     * 4.7 s — so its departure, and the coordinator's record of it, lands this much later than the signal.
     */
    static final long LEAVE_MILLIS = 8_000;
    /**
     * A power-cut worker dies only once its copy's temporary is written and synced after the checkpoint order that
     * dates the fault (seed 6's: 1.3 s later), and the coordinator hears of it a second after that: a coordinator
     * killed this much after the order may not have recorded it.
     */
    static final long CUT_MILLIS = 3_000;

    private ChaosDecisions() {}

    /**
     * Fault → the coordinator's first decision about it in membership.csv (ms); 0 when none was
     * needed (a worker frozen while it held no lease the run waited for; a worker lost while a coordinator was
     * replaced); −1 when none was made, or a poisoned worker's chunk was ever committed. {@code injected}:
     * every fault of the campaign.
     */
    static long decisionMillis(Path dir, Fault f, List<Fault> injected) throws IOException {
        if (f.kind() == Kind.POISON_WORKER && computedAfter(dir, f)) {
            return -1; // a poisoned contribution was summed: no decision is worth that
        }
        // a freeze is answered before the same worker's next fault, or needed no answer: the worker came back
        // before the coordinator excluded it, or was no member then (frozen while a coordinator was replaced, it
        // registered with the new one after). Counting a later fault's answer made a seed-1 freeze "decided in 337 s"
        long until = f.kind() != Kind.FREEZE_WORKER ? Long.MAX_VALUE : injected.stream()
                .filter(k -> k.target().equals(f.target()) && k.atMillis() > f.atMillis())
                .mapToLong(Fault::atMillis).min().orElse(Long.MAX_VALUE);
        List<String[]> membership = Csv.dataRows(dir.resolve("membership.csv"), 6); // read once for both questions
        long decided = firstEvent(membership, f, until);
        if (decided < 0 && f.kind() == Kind.FREEZE_WORKER) {
            // no lease of it expired (that is recorded, "deadline-missed") and it was not excluded: the run never
            // waited for it — it held no chunk, as a worker beyond the step's chunk count does (seed 4)
            return 0;
        }
        // a worker lost while a coordinator was being replaced never became the new one's member: nothing to
        // decide (a poisoned one that computed after was refused above; the audit checks the rest)
        if (decided < 0 && duringTakeover(membership, f, injected)) {
            return 0;
        }
        return decided;
    }

    /**
     * When {@code f} struck: a disk fault (full disk, power cut) when its worker was first asked for a checkpoint
     * copy after it was armed (MAX_VALUE: never); any other when it was injected.
     */
    private static long struckAt(List<String[]> membership, Fault f) {
        if (f.kind() != Kind.DISK_FULL_WORKER && f.kind() != Kind.POWER_CUT_WORKER) {
            return f.atMillis();
        }
        return membership.stream().filter(r -> Long.parseLong(r[0]) >= f.atMillis() && r[4].equals("checkpoint")
                && (r[5] + " ").contains(" " + f.target() + " ")).mapToLong(r -> Long.parseLong(r[0])).findFirst()
                .orElse(Long.MAX_VALUE);
    }

    /** Whether a chunk computed by {@code f}'s target was committed after the fault. */
    static boolean computedAfter(Path dir, Fault f) throws IOException {
        return Csv.dataRows(dir.resolve("commits.csv"), 11).stream()
                .anyMatch(r -> Long.parseLong(r[0]) > f.afterSteps() && (r[10].trim() + " ").contains(":" + f.target() + " "));
    }

    /**
     * The events that answer each fault: a partitioned coordinator holds its commit ("replication-held"), a full
     * disk fails the holder's copy ("checkpoint-failed"), a power cut loses the worker like a kill.
     */
    private static List<String> answers(Kind kind) {
        return switch (kind) {
            case KILL_COORDINATOR -> List.of("took-over");
            case JOIN_WORKER -> List.of("active");
            case POISON_WORKER -> List.of("quarantined");
            case PARTITION_COORDINATOR -> List.of("replication-held");
            case DISK_FULL_WORKER -> List.of("checkpoint-failed");
            default -> List.of("gone", "deadline-missed", "left");
        };
    }

    private static long firstEvent(List<String[]> rows, Fault f, long until) {
        List<String> events = answers(f.kind());
        boolean coordinator = f.kind() == Kind.KILL_COORDINATOR || f.kind() == Kind.PARTITION_COORDINATOR;
        String who = coordinator ? "coordinator" : f.target();
        long since = struckAt(rows, f);
        for (String[] r : rows) {
            long at = Long.parseLong(r[0]);
            if (at >= since && at < until && r[3].equals(who) && events.contains(r[4])) {
                return at - since;
            }
        }
        return -1;
    }

    /**
     * Whether the last coordinator kill has been taken over (a "took-over" event since): killing
     * the next one mid-takeover is a double coordinator failure, beyond what one standby covers.
     */
    static boolean tookOver(Path dir, List<Fault> injected) throws IOException {
        long lastKill = injected.stream().filter(f -> f.kind() == Kind.KILL_COORDINATOR).mapToLong(Fault::atMillis)
                .max().orElse(-1);
        return lastKill < 0 || Csv.dataRows(dir.resolve("membership.csv"), 6).stream()
                .anyMatch(r -> r[4].equals("took-over") && Long.parseLong(r[0]) >= lastKill);
    }

    /**
     * Whether a coordinator killed before {@code f} was taken over only after it, or one was killed within
     * {@link #CLOSE_MILLIS} after it (two faults close together: the dying one may not have recorded its decision,
     * and the one taking over never knew the worker).
     */
    private static boolean duringTakeover(List<String[]> rows, Fault f, List<Fault> injected) {
        if (f.kind() == Kind.KILL_COORDINATOR || f.kind() == Kind.JOIN_WORKER) {
            return false;
        }
        long at = struckAt(rows, f);
        if (at == Long.MAX_VALUE) {
            return false;
        }
        long close = CLOSE_MILLIS + (f.kind() == Kind.LEAVE_WORKER ? LEAVE_MILLIS
                : f.kind() == Kind.POWER_CUT_WORKER ? CUT_MILLIS : 0);
        if (injected.stream().anyMatch(k -> k.kind() == Kind.KILL_COORDINATOR && k.atMillis() >= at
                && k.atMillis() <= at + close)) {
            return true;
        }
        long kill = injected.stream().filter(k -> k.kind() == Kind.KILL_COORDINATOR && k.atMillis() <= at)
                .mapToLong(Fault::atMillis).max().orElse(-1);
        return kill >= 0 && rows.stream().noneMatch(r -> r[4].equals("took-over") && Long.parseLong(r[0]) >= kill
                && Long.parseLong(r[0]) <= at);
    }

    /** Of {@code candidates}, the workers whose last membership event is "active" (they compute). */
    static List<String> active(Path dir, List<String> candidates) throws IOException {
        java.util.Map<String, String> last = new java.util.HashMap<>();
        for (String[] r : Csv.dataRows(dir.resolve("membership.csv"), 6)) {
            if (List.of("active", "gone", "left", "draining", "syncing").contains(r[4])) {
                last.put(r[3], r[4]);
            }
        }
        return candidates.stream().filter(id -> "active".equals(last.get(id))).toList();
    }

    /**
     * Whether a coordinator other than the {@code active} one is a cluster member: killing the active one
     * while its standby is still starting would leave the cluster without a coordinator.
     */
    static boolean standbyReady(Path dir, List<Process> coordinators, int active) throws IOException {
        for (int i = 0; i < coordinators.size(); i++) {
            Path log = dir.resolve("coordinator-" + i + ".log");
            if (i != active && coordinators.get(i).isAlive() && java.nio.file.Files.exists(log)
                    && java.nio.file.Files.readString(log).contains(CoordinatorCommand.MEMBER_UP)) {
                return true;
            }
        }
        return false;
    }
}
