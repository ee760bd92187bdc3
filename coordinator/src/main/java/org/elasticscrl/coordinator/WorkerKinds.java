package org.elasticscrl.coordinator;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether the workers of a run with {@code train.deterministic} compute alike. Gradients are bit-identical
 * only between machines of one kind — the same kernels at the same thread count (oneDNN splits its sums by
 * thread) on the same device type — so a run whose workers differ keeps every replica identical (I1) but
 * no longer follows a one-process run bit for bit (I4). Said once each time the set of kinds changes.
 */
final class WorkerKinds {
    private final boolean deterministicRun;
    private Set<String> reported = Set.of();

    WorkerKinds(boolean deterministicRun) {
        this.deterministicRun = deterministicRun;
    }

    /** What to tell the operator about {@code workers}, if their kinds differ and that is news. */
    Optional<String> check(Collection<? extends Membership.Worker<?>> workers) {
        Set<String> kinds = new TreeSet<>();
        for (Membership.Worker<?> w : workers) {
            kinds.add(w.device + ", " + w.threads + " threads, " + w.kernels());
        }
        if (!deterministicRun || kinds.size() < 2 || kinds.equals(reported)) {
            return Optional.empty();
        }
        reported = kinds;
        return Optional.of("workers of " + kinds.size() + " kinds " + kinds + ": every replica stays identical, but"
                + " the run is bit-identical to a one-process run only on workers of one kind");
    }
}
