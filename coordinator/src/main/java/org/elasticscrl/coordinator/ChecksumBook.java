package org.elasticscrl.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every replica's state checksum per committed step, and whether they agree (DESIGN I1). When they do
 * not, the replicas whose checksum differs from one held by a strict majority of the run's replicas are
 * named — to be resynchronised from a majority holder — and forgotten for that step, so each is named
 * once. Without a majority (two replicas, one each) nobody can tell which is right: none is named.
 * A pure object.
 */
final class ChecksumBook {
    private final Map<Long, Map<String, Long>> byStep = new HashMap<>();
    private final int keepSteps;

    /** A step's checksums disagree: every replica's so far, and those off the majority's (maybe none). */
    record Disagreement(Map<String, Long> all, List<String> offMajority) {}

    ChecksumBook(int keepSteps) {
        this.keepSteps = keepSteps;
    }

    /**
     * Records a checksum of the state after {@code step}, with {@code replicas} replicas in the run now;
     * returns the disagreement when the step's checksums differ, else null.
     */
    Disagreement record(long step, String worker, long checksum, int replicas) {
        Map<String, Long> seen = byStep.computeIfAbsent(step, k -> new LinkedHashMap<>());
        seen.put(worker, checksum);
        byStep.keySet().removeIf(k -> k < step - keepSteps);
        if (seen.values().stream().distinct().count() <= 1) {
            return null;
        }
        Map<String, Long> all = Map.copyOf(seen);
        Map<Long, Long> holders = seen.values().stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        Optional<Long> majority = holders.entrySet().stream().filter(e -> 2 * e.getValue() > replicas)
                .map(Map.Entry::getKey).findFirst();
        List<String> off = new ArrayList<>();
        majority.ifPresent(m -> seen.forEach((w, c) -> {
            if (!c.equals(m)) {
                off.add(w);
            }
        }));
        off.forEach(seen::remove);
        return new Disagreement(all, off);
    }

    /**
     * The run's checksum of the state after {@code step}: the one a strict majority of the replicas that reported
     * it hold — empty when none reported it (not a checksum step, or forgotten) or they are split evenly.
     */
    OptionalLong reference(long step) {
        Map<String, Long> seen = byStep.getOrDefault(step, Map.of());
        return seen.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .entrySet().stream().filter(e -> 2 * e.getValue() > seen.size())
                .mapToLong(Map.Entry::getKey).findFirst();
    }
}
