package org.elasticscrl.coordinator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Whether a replica a worker brings back — kept across its cluster incarnations after it was downed, or held
 * through a resynchronisation — may be reused as the run's state after the step it says it applied, or must be
 * copied from a live peer. Its state checksum is compared with the run's: the one the replicas agreed on at that
 * step ({@link ChecksumBook}) or, when it is at the last commit, a live peer's, asked for while the returning
 * worker waits (leased nothing). Where no checksum can be had it is copied: a copy costs one state transfer,
 * while a replica that is not the run's would add wrong gradients to every step until the next checksum step
 * (cluster.checksum_interval) named it (I1). The one replica trusted unchecked is the only one left — a run
 * whose every replica was downed at once goes on from them, there is nothing to compare with. A pure object:
 * the coordinator sends what the verdicts say.
 */
final class ReturningReplicas {
    /** What becomes of a returning replica. */
    sealed interface Verdict {}

    /** It is the run's state: reused, caught up with the commits it lacks if any. */
    record Reuse(String how) implements Verdict {}

    /** It is not, or cannot be shown to be: the worker copies a live peer's state. */
    record Copy(String why) implements Verdict {}

    /** Ask {@code peer} for its checksum at the last commit; the verdict follows its answer. */
    record Ask(String peer) implements Verdict {}

    private record Waiting(long step, long checksum, String peer) {}

    private final Map<String, Waiting> waiting = new HashMap<>();

    /**
     * Judges {@code worker}'s replica, after {@code step} with state {@code checksum} (0: it brought none).
     * {@code reference}: the run's checksum after that step, when known; {@code peers}: the other live replicas.
     */
    Verdict judge(String worker, long step, long checksum, OptionalLong reference, long lastCommitted,
            List<String> peers) {
        waiting.remove(worker);
        if (reference.isPresent() && checksum != 0) {
            return reference.getAsLong() == checksum ? new Reuse("checksum " + hex(checksum) + ", the run's")
                    : new Copy("its checksum " + hex(checksum) + " differs from the run's " + hex(reference.getAsLong())
                            + " after step " + step);
        }
        if (peers.isEmpty()) {
            return new Reuse("unchecked: no other replica holds the run's state");
        }
        if (checksum == 0) {
            return new Copy("it brought no checksum to check it against the run's");
        }
        if (step != lastCommitted) {
            return new Copy("no checksum of the run's state after step " + step + " to check it against (replicas"
                    + " report one every cluster.checksum_interval steps)");
        }
        waiting.put(worker, new Waiting(step, checksum, peers.get(0)));
        return new Ask(peers.get(0));
    }

    /** {@code peer}'s checksum after {@code step}: the verdicts of the workers that waited for it. */
    Map<String, Verdict> answered(String peer, long step, long checksum) {
        Map<String, Verdict> verdicts = new HashMap<>();
        waiting.entrySet().removeIf(e -> {
            Waiting w = e.getValue();
            if (!w.peer().equals(peer)) {
                return false;
            }
            verdicts.put(e.getKey(), step != w.step() ? new Copy(peer + " answered for step " + step + ", not " + w.step())
                    : checksum == w.checksum() ? new Reuse("checksum " + hex(checksum) + ", " + peer + "'s")
                    : new Copy("its checksum " + hex(w.checksum()) + " differs from " + peer + "'s " + hex(checksum)
                            + " after step " + step));
            return true;
        });
        return verdicts;
    }

    /**
     * {@code member} left: it waits no more, and those that waited for its answer are returned (with the step
     * and checksum they brought) to be judged again.
     */
    Map<String, long[]> left(String member) {
        waiting.remove(member);
        Map<String, long[]> again = new HashMap<>();
        waiting.entrySet().removeIf(e -> {
            if (!e.getValue().peer().equals(member)) {
                return false;
            }
            again.put(e.getKey(), new long[] {e.getValue().step(), e.getValue().checksum()});
            return true;
        });
        return again;
    }

    static String hex(long checksum) {
        return Long.toHexString(checksum);
    }
}
