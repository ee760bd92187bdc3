package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.elasticscrl.protocol.WorkerProtocol.LoadCheckpoint;

/**
 * A whole-cluster restart: no coordinator holds the run's replicated state and no worker a replica,
 * so the run resumes from the newest durable checkpoint in the manifest. One waiting worker at a
 * time loads it (its own copy first, then the others'; on one machine or a shared volume every
 * copy is readable); the others copy that worker's state like joiners. When every waiting worker
 * failed to read a checkpoint, the next older one is tried. A pure object: the coordinator
 * sends what it says.
 */
final class Restart {
    private final List<CheckpointManifest.Entry> entries;
    private final Set<String> tried = new HashSet<>();
    private int at;
    private String loading;

    /** @param entries durable checkpoints, newest first (not empty) */
    Restart(List<CheckpointManifest.Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a restart needs a durable checkpoint");
        }
        this.entries = List.copyOf(entries);
    }

    /** The checkpoint the run resumes from now. */
    CheckpointManifest.Entry current() {
        return entries.get(at);
    }

    /** Whether a worker is loading the checkpoint now. */
    boolean loading() {
        return loading != null;
    }

    /**
     * The next load to ask for, given the workers waiting for a state: a holder of the current
     * checkpoint first. Empty while one is loading, or when every waiting worker tried it.
     */
    Optional<Load> next(Collection<String> waiting) {
        if (loading != null) {
            return Optional.empty();
        }
        var e = current();
        var untried = waiting.stream().filter(w -> !tried.contains(w)).toList();
        var pick = untried.stream().filter(w -> e.copies().stream().anyMatch(c -> c.worker().equals(w))).findFirst()
                .or(() -> untried.stream().findFirst());
        pick.ifPresent(w -> loading = w);
        return pick.map(w -> {
            List<CheckpointManifest.Copy> copies = ownFirst(e, w);
            return new Load(w, new LoadCheckpoint(e.step(), copies.stream().map(CheckpointManifest.Copy::path).toList(),
                    copies.stream().map(CheckpointManifest.Copy::crc32c).toList(),
                    copies.stream().map(CheckpointManifest.Copy::bytes).toList(), e.runState().runId()));
        });
    }

    /** What to send to whom. */
    record Load(String worker, LoadCheckpoint message) {}

    /** The worker's own copies first. */
    private static List<CheckpointManifest.Copy> ownFirst(CheckpointManifest.Entry e, String worker) {
        List<CheckpointManifest.Copy> own = new ArrayList<>();
        List<CheckpointManifest.Copy> others = new ArrayList<>();
        e.copies().forEach(c -> (c.worker().equals(worker) ? own : others).add(c));
        own.addAll(others);
        return own;
    }

    /** The loading worker could not read the checkpoint (or left). */
    void failed(String worker) {
        if (worker.equals(loading)) {
            loading = null;
        }
        tried.add(worker);
    }

    /**
     * Every worker in {@code waiting} tried the current checkpoint: go back to the next older one
     * (true), if there is one.
     */
    boolean fallBack(Collection<String> waiting) {
        if (loading != null || waiting.isEmpty() || !tried.containsAll(waiting) || at + 1 >= entries.size()) {
            return false;
        }
        at++;
        tried.clear();
        return true;
    }

    /** Whether every checkpoint was tried by every waiting worker. */
    boolean exhausted(Collection<String> waiting) {
        return loading == null && at + 1 >= entries.size() && !waiting.isEmpty() && tried.containsAll(waiting);
    }

    /** A worker left while loading: another one may try. */
    void left(String worker) {
        if (worker.equals(loading)) {
            loading = null;
        }
    }

    static CheckpointManifest manifest(Coordinator.Setup setup) {
        var c = setup.cfg().cluster();
        return CheckpointManifest.open(setup.files().dir(), setup.runId(), c.checkpointCopies(), c.checkpointsKept());
    }

    /**
     * Why this coordinator cannot run: an unreadable manifest, or — no replicated state of this run
     * (a new run or a whole-cluster restart) — a run directory that holds commits but no durable
     * checkpoint to resume them from (it is not overwritten); or a cluster whose replicated state is of
     * another run that has not finished (a standby never starts a run of its own at takeover).
     */
    static String refusal(Coordinator.Setup setup, RunState replicated) {
        if (replicated != null && !replicated.finished() && !replicated.runId().equals(setup.runId())) {
            return "the cluster runs " + replicated.runId() + " (committed up to step " + replicated.committedStep()
                    + "), this coordinator was started for " + setup.runId() + ": refusing to start another run in"
                    + " its cluster (a standby takes the active run's id, directory and configuration; start it"
                    + " with --join only, or with the active run's --save_dir and configuration)";
        }
        try {
            if ((replicated == null || !replicated.runId().equals(setup.runId())) && manifest(setup).durable().isEmpty()
                    && setup.files().lastCommit() >= 0) {
                return setup.files().dir() + " already holds run " + setup.runId() + " up to step "
                        + setup.files().lastCommit() + " and no durable checkpoint to resume it from"
                        + " (cluster.checkpoint_every_steps is 0, or none completed): give a new --save_dir";
            }
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
