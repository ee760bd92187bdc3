package org.elasticscrl.worker;


/**
 * A worker's replica kept across its cluster incarnations. The cluster's downing can take out a healthy worker
 * (on its side of a partition that lost, or — with Pekko's resolver — as the observer of a peer woken from a
 * pause, "indirectly connected"); the worker's JVM then starts a new cluster node and registers again with the replica it holds — a run
 * whose every replica was downed at once goes on from them, not from an older durable checkpoint, and a worker
 * whose run went on meanwhile catches up like any joiner. Kept only between an incarnation's end and the next
 * one's welcome to the same run (same id and configuration); otherwise closed.
 */
public final class KeptReplica {
    /** The replica, the run it belongs to and the last commit it applied. */
    record Kept(String runId, String configYaml, Replica replica, long lastApplied) {}

    private Kept kept;
    private boolean welcomed;

    /** An incarnation ended without being stopped on purpose: its replica waits for the next one. */
    synchronized void keep(Kept k) {
        if (kept != null && kept.replica() != k.replica()) {
            kept.replica().close();
        }
        kept = k;
    }

    /** The kept replica when it belongs to this run (taken: the caller owns it); any other is closed. */
    synchronized Kept take(String runId, String configYaml) {
        welcomed = true;
        Kept k = kept;
        kept = null;
        if (k != null && !(k.runId().equals(runId) && k.configYaml().equals(configYaml))) {
            k.replica().close();
            return null;
        }
        return k;
    }

    /** Whether a replica waits for the next incarnation. */
    public synchronized boolean holds() {
        return kept != null;
    }

    /** Whether an incarnation was welcomed to a run since the last {@link #newIncarnation()}. */
    public synchronized boolean welcomed() {
        return welcomed;
    }

    /** A new cluster incarnation of the worker starts: not welcomed yet. */
    public synchronized void newIncarnation() {
        welcomed = false;
    }

    /** The JVM ends: nothing is kept any more. */
    public synchronized void close() {
        if (kept != null) {
            kept.replica().close();
            kept = null;
        }
    }
}
