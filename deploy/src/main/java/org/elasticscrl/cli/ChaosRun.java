package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.report.Csv;

/**
 * A local cluster (a coordinator, a standby, N workers) driven through a seeded random fault
 * schedule ({@link ChaosSchedule}): workers killed (SIGKILL), frozen (SIGSTOP for a few seconds,
 * then SIGCONT), leaving (SIGTERM), joining, the active coordinator killed (a new standby is started
 * after), a worker joining whose every contribution is poisoned (a NaN, an impossible sample count, a
 * wrong layout: it must be quarantined, nothing of it summed), the active coordinator cut off from the other
 * coordinator nodes for a few seconds (its run-state stores fail: commits wait, none is lost), a worker whose
 * checkpoint copies fail as on a full disk, a worker whose JVM stops dead between a copy's temporary write and
 * its rename (a power cut; it starts again under the same id), and two faults close together.
 * Afterwards the run's records are audited ({@link RunAudit}) and each fault's time to the
 * coordinator's decision is read from membership.csv.
 */
final class ChaosRun {
    enum Kind {
        KILL_WORKER, FREEZE_WORKER, LEAVE_WORKER, JOIN_WORKER, KILL_COORDINATOR, POISON_WORKER, PARTITION_COORDINATOR,
        DISK_FULL_WORKER, POWER_CUT_WORKER
    }

    /** How a poisoned worker's contributions are wrong ({@code scrl worker --poison}). */
    static final List<String> POISONS = List.of("nan", "samples", "layout");

    /** An injected fault: what, on which node, when (unix millis) and after how many commits. */
    record Fault(Kind kind, String target, long atMillis, long afterSteps) {}

    /** The campaign's outcome; decision −1: none found. */
    record Result(Path dir, List<Fault> faults, Map<Fault, Long> decisionMillis, RunAudit audit, CopyAudit copies,
            List<String> leaversStillRunning, long maxStallMillis, int exitCode, double seconds) {}

    /** How long after the campaign a worker told to leave may still be finishing its job (then it rejoined instead). */
    static final long LEAVE_GRACE_SECONDS = 20;

    static final long FREEZE_MILLIS = 3_000;
    /** How long a partitioned coordinator stays cut off: past a store's timeout (3 s), so a commit waits. */
    static final long PARTITION_MILLIS = 6_000;
    /** Nodes started by faults beyond the first workers, at most, alive at once. */
    static final int MORE_NODES = 3;

    private final CoordinatorCommand.Prepared run;
    private final int workers;
    private final int faults;
    private final double intervalSeconds;
    private final SplittableRandom rng;
    private final Map<String, Process> live = new LinkedHashMap<>();
    /** Workers started poisoned: members, never computing (the coordinator quarantines them). */
    private final java.util.Set<String> poisoned = new java.util.HashSet<>();
    /** Workers whose checkpoint copies fail (full disk, power cut): kept out of the other faults. */
    private final java.util.Set<String> diskFaulty = new java.util.HashSet<>();
    private final ChaosExits exits = new ChaosExits();
    private final Path fullDisk;
    private long nextRetireCheck;
    private final List<Process> coordinators = new ArrayList<>();
    private final List<String> coordinatorAddresses = new ArrayList<>();
    private final List<Fault> injected = new ArrayList<>();
    private int nextWorker;
    private long lastCommits;
    private long lastCommitAt;
    /** No commit for this long: the run is stuck, the campaign ends (and fails its audit). */
    static final long STALLED_MILLIS = 180_000;
    private boolean stalled;
    private long maxStall;

    /** {@code fullDisk}: a directory on a small file system for the full-disk worker's copies (null: injected). */
    ChaosRun(CoordinatorCommand.Prepared run, int workers, int faults, double intervalSeconds, long seed, Path fullDisk) {
        this.fullDisk = fullDisk;
        this.run = run;
        this.workers = workers;
        this.faults = faults;
        this.intervalSeconds = intervalSeconds;
        this.rng = new SplittableRandom(seed);
    }

    Result run(long timeoutSeconds) throws Exception {
        Path dir = run.dir().path();
        long start = System.currentTimeMillis();
        long deadline = start + TimeUnit.SECONDS.toMillis(timeoutSeconds);
        long[] due = ChaosSchedule.marks(faults, run.cfg().train().maxEpochs() * stepsPerEpoch(), rng);
        try {
            startCoordinator();
            startCoordinator();
            for (int i = 0; i < workers; i++) {
                startWorker();
            }
            waitFor(() -> LocalRun.committedSteps(dir) >= 2, deadline);
            lastCommitAt = System.currentTimeMillis();
            while (injected.size() < faults && running() && System.currentTimeMillis() < deadline) {
                // due at its step, and not before the cluster had a while to settle from the last fault
                long mark = due[injected.size()];
                long next = System.currentTimeMillis() + (long) (intervalSeconds * 1000 * (0.5 + rng.nextDouble()));
                waitFor(() -> System.currentTimeMillis() >= next && LocalRun.committedSteps(dir) >= mark
                        || !running(), deadline);
                if (running()) {
                    Kind first = pick(true);
                    inject(first);
                    // two faults close together, a coordinator kill among them too (keep-majority
                    // survives it while most nodes are up; the second is never a coordinator kill)
                    if (rng.nextDouble() < 0.25 && injected.size() < faults) {
                        Thread.sleep(500);
                        inject(pick(false));
                    }
                }
            }
            waitFor(() -> !running(), deadline);
        } finally {
            for (Process p : allProcesses()) {
                if (p.isAlive()) {
                    LocalRun.signal(p, "CONT");
                }
                if (!p.waitFor(stalled || (p.isAlive() && running()) ? 0 : 20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        // the coordinators killed on purpose exit with 137, a standby the resolver downed (slow to start on a
        // loaded machine) with 255: the run's outcome is the one that finished it (0), else the last one's
        Process last = coordinators.get(coordinators.size() - 1);
        int exit = coordinators.stream().anyMatch(p -> !p.isAlive() && p.exitValue() == 0) ? 0
                : last.isAlive() ? -1 : last.exitValue();
        Map<Fault, Long> decisions = new LinkedHashMap<>();
        for (Fault f : injected) {
            decisions.put(f, ChaosDecisions.decisionMillis(dir, f, injected));
        }
        RunAudit audit = RunAudit.of(dir, run.cfg(), run.cfg().dataset().trainSize());
        return new Result(dir, List.copyOf(injected), decisions, audit, CopyAudit.of(dir, fullDisk, exits.goneForGood(dir)),
                exits.leaversStillRunning(LEAVE_GRACE_SECONDS), maxStall, exit, (System.currentTimeMillis() - start) / 1000.0);
    }

    /**
     * A fault that keeps at least two workers computing and one coordinator up; every campaign poisons a
     * worker (past its middle, if chance did not pick it before) and kills the active coordinator (past
     * three quarters), so a short one still mixes the old faults with the new.
     */
    private Kind pick(boolean coordinatorMayDie) throws java.io.IOException {
        if (none(Kind.PARTITION_COORDINATOR) && injected.size() >= faults / 4 && coordinatorMayDie) {
            return Kind.PARTITION_COORDINATOR;
        }
        if (poisoned.isEmpty() && injected.size() >= faults / 2) {
            return Kind.POISON_WORKER;
        }
        if (diskFaulty.isEmpty() && injected.size() >= faults * 5 / 8) {
            return rng.nextBoolean() ? Kind.DISK_FULL_WORKER : Kind.POWER_CUT_WORKER;
        }
        boolean killed = injected.stream().anyMatch(f -> f.kind() == Kind.KILL_COORDINATOR);
        if (!killed && injected.size() >= faults * 3 / 4 && coordinatorMayDie && standbyReady() && ChaosDecisions.tookOver(run.dir().path(), injected)) {
            return Kind.KILL_COORDINATOR;
        }
        List<Kind> kinds = new ArrayList<>();
        // a node more only while few run: a small machine crowded with JVMs measures contention, not faults
        if (live.values().stream().filter(Process::isAlive).count() < workers + MORE_NODES) {
            kinds.addAll(List.of(Kind.JOIN_WORKER, Kind.POISON_WORKER, Kind.DISK_FULL_WORKER, Kind.POWER_CUT_WORKER));
        }
        long healthy = live.keySet().stream().filter(id -> !poisoned.contains(id) && !diskFaulty.contains(id)).count();
        if (healthy >= 3) {
            kinds.addAll(List.of(Kind.KILL_WORKER, Kind.FREEZE_WORKER, Kind.LEAVE_WORKER));
        } else if (healthy == 2) {
            kinds.add(Kind.FREEZE_WORKER);
        }
        if (coordinatorMayDie && standbyReady() && ChaosDecisions.tookOver(run.dir().path(), injected)) {
            kinds.add(Kind.KILL_COORDINATOR);
        }
        if (coordinatorMayDie && ChaosDecisions.tookOver(run.dir().path(), injected)) {
            kinds.add(Kind.PARTITION_COORDINATOR);
        }
        return kinds.isEmpty() ? Kind.JOIN_WORKER : kinds.get(rng.nextInt(kinds.size()));
    }

    private boolean none(Kind kind) {
        return injected.stream().noneMatch(f -> f.kind() == kind);
    }

    private void inject(Kind kind) throws Exception {
        long steps = LocalRun.committedSteps(run.dir().path());
        String target;
        switch (kind) {
            case JOIN_WORKER -> target = startWorker();
            case POISON_WORKER -> {
                target = startWorker("--poison", POISONS.get(rng.nextInt(POISONS.size())));
                poisoned.add(target);
            }
            case DISK_FULL_WORKER, POWER_CUT_WORKER -> {
                boolean cut = kind == Kind.POWER_CUT_WORKER;
                String id = "worker-" + nextWorker++;
                target = cut ? startWorkerAs(id, "--disk-fault", "power-cut") : fullDisk == null
                        ? startWorkerAs(id, "--disk-fault", "full")
                        : startWorkerAs(id, "--checkpoint-dir", fullDisk.resolve(id).toString());
                diskFaulty.add(target);
                if (cut) {
                    exits.cutOff(target, live.get(target));
                }
            }
            case PARTITION_COORDINATOR -> {
                int active = firstAlive();
                target = "coordinator@" + coordinatorAddresses.get(active);
                Path flag = cutOffFlag(active);
                java.nio.file.Files.createFile(flag);
                Thread.sleep(PARTITION_MILLIS);
                java.nio.file.Files.delete(flag);
            }
            case KILL_COORDINATOR -> {
                int active = firstAlive();
                target = "coordinator@" + coordinatorAddresses.get(active);
                LocalRun.signal(coordinators.get(active), "KILL");
                coordinators.get(active).waitFor(10, TimeUnit.SECONDS);
                startCoordinator(); // the next standby, joining the survivors
            }
            default -> {
                List<String> ids = ChaosDecisions.active(run.dir().path(), live.keySet().stream()
                        .filter(id -> !poisoned.contains(id) && !diskFaulty.contains(id)).toList());
                if (ids.size() < 2) {
                    return; // nothing that may fail now: try again at the next tick
                }
                target = ids.get(rng.nextInt(ids.size()));
                Process p = live.get(target);
                if (kind == Kind.FREEZE_WORKER) {
                    LocalRun.signal(p, "STOP");
                    Thread.sleep(FREEZE_MILLIS);
                    LocalRun.signal(p, "CONT");
                } else {
                    live.remove(target);
                    if (kind == Kind.KILL_WORKER) {
                        exits.killed(target);
                    } else {
                        exits.toldToLeave(target, p);
                    }
                    LocalRun.signal(p, kind == Kind.KILL_WORKER ? "KILL" : "TERM");
                }
            }
        }
        long lasted = kind == Kind.FREEZE_WORKER ? FREEZE_MILLIS : kind == Kind.PARTITION_COORDINATOR ? PARTITION_MILLIS : 0;
        Fault f = new Fault(kind, target, System.currentTimeMillis() - lasted, steps);
        injected.add(f);
        System.err.printf("chaos: %s %s after %d commits%n", kind.name().toLowerCase(), target, steps);
        live.values().removeIf(p -> !p.isAlive()); // a frozen worker downed meanwhile has exited
    }

    /** Whether a standby coordinator is a cluster member (killing the active one before would leave none). */
    private boolean standbyReady() throws java.io.IOException {
        return ChaosDecisions.standbyReady(run.dir().path(), coordinators, firstAlive());
    }

    private void startCoordinator() throws Exception {
        String address = "127.0.0.1:" + LocalRun.freePort();
        List<String> args = new ArrayList<>(List.of("coordinator", "--config", run.dir().path().resolve("config.yaml")
                .toString(), "--bind", address, "--cut-off-while", cutOffFlag(coordinators.size()).toString()));
        List<String> seeds = aliveCoordinators();
        if (!seeds.isEmpty()) {
            args.addAll(List.of("--join", String.join(",", seeds)));
        }
        int n = coordinators.size();
        coordinators.add(LocalRun.start(args, run.dir().path().resolve("coordinator-" + n + ".log")));
        coordinatorAddresses.add(address);
    }

    private Path cutOffFlag(int coordinator) throws java.io.IOException {
        Path faults = java.nio.file.Files.createDirectories(run.dir().path().resolve("faults"));
        return faults.resolve("cut-off-" + coordinator);
    }

    /**
     * A worker whose power was cut starts again under its id, healthy, as a machine does when the power returns
     * (it finds its killed write's temporary); the cut JVM's log is kept as ID-power-cut.log.
     */
    private void returnFromPowerCuts() throws Exception {
        if (!running()) {
            return;
        }
        for (String id : exits.backFromPowerCut()) {
            Path log = run.dir().path().resolve(id + ".log");
            java.nio.file.Files.move(log, log.resolveSibling(id + "-power-cut.log"));
            startWorkerAs(id);
            System.err.printf("chaos: %s starts again after its power cut%n", id);
        }
    }

    /** A quarantined (poisoned) worker is stopped (SIGTERM), as its operator would: it only takes room. */
    private void retireQuarantined() throws Exception {
        if (System.currentTimeMillis() < nextRetireCheck || poisoned.stream().noneMatch(live::containsKey)) {
            return;
        }
        nextRetireCheck = System.currentTimeMillis() + 2_000;
        for (String[] r : Csv.dataRows(run.dir().path().resolve("membership.csv"), 6)) {
            Process p = r[4].equals("quarantined") && poisoned.contains(r[3]) ? live.remove(r[3]) : null;
            if (p != null) {
                exits.toldToLeave(r[3], p);
                LocalRun.signal(p, "TERM");
                System.err.printf("chaos: %s quarantined: stopped%n", r[3]);
            }
        }
    }

    private String startWorker(String... extra) throws Exception {
        return startWorkerAs("worker-" + nextWorker++, extra);
    }

    private String startWorkerAs(String id, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--join", String.join(",", aliveCoordinators()),
                "--threads", "1"));
        args.addAll(List.of(extra));
        live.put(id, LocalRun.startWorker(List.of(), args, id, run.dir().path(), Choice.of(run.cfg().train().deterministic())));
        return id;
    }

    private List<String> aliveCoordinators() {
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < coordinators.size(); i++) {
            if (coordinators.get(i).isAlive()) {
                seeds.add(coordinatorAddresses.get(i));
            }
        }
        return seeds;
    }

    private int firstAlive() {
        for (int i = 0; i < coordinators.size(); i++) {
            if (coordinators.get(i).isAlive()) {
                return i;
            }
        }
        return -1;
    }

    /** The run goes on while a coordinator is up (the last one exits when the run is over). */
    /** A coordinator runs, and the run has not stalled for good (no commit for {@link #STALLED_MILLIS}). */
    private boolean running() {
        if (lastCommitAt > 0 && System.currentTimeMillis() - lastCommitAt > STALLED_MILLIS) {
            if (!stalled) {
                stalled = true;
                System.err.printf("chaos: no commit for %d s: the run is stuck; stopping%n", STALLED_MILLIS / 1000);
            }
            return false;
        }
        return coordinators.stream().anyMatch(Process::isAlive);
    }

    private List<Process> allProcesses() {
        List<Process> all = new ArrayList<>(coordinators);
        all.addAll(live.values());
        return all;
    }

    /** Polls every 100 ms until {@code done} or the deadline, tracking the longest wait between commits. */
    private void waitFor(java.util.function.BooleanSupplier done, long deadline) throws Exception {
        while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
            returnFromPowerCuts();
            retireQuarantined();
            long commits = LocalRun.committedSteps(run.dir().path());
            long now = System.currentTimeMillis();
            if (commits >= run.cfg().train().maxEpochs() * stepsPerEpoch()) {
                lastCommitAt = 0; // the run is over: waiting for exits is no stall
            } else if (commits != lastCommits) {
                lastCommits = commits;
                lastCommitAt = now;
            } else if (lastCommitAt > 0 && commits > 0) {
                maxStall = Math.max(maxStall, now - lastCommitAt);
            }
            Thread.sleep(100);
        }
    }

    private long stepsPerEpoch() {
        return org.elasticscrl.plan.EpochPlan.stepsPerEpoch(run.cfg().dataset().trainSize(),
                run.cfg().train().batchSizeTrain());
    }

    /** Faults injected, by kind. */
    static Map<Kind, Integer> counts(List<Fault> faults) {
        Map<Kind, Integer> m = new EnumMap<>(Kind.class);
        faults.forEach(f -> m.merge(f.kind(), 1, Integer::sum));
        return m;
    }
}
