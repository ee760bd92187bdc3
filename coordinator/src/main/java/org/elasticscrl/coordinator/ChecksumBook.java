package org.elasticscrl.coordinator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every replica's state checksum per committed step, and whether they agree (DESIGN I1). */
final class ChecksumBook {
    private final Map<Long, Map<String, Long>> byStep = new HashMap<>();
    private final int keepSteps;

    ChecksumBook(int keepSteps) {
        this.keepSteps = keepSteps;
    }

    /** Records a checksum; returns the step's checksums when they disagree, else null. */
    Map<String, Long> record(long step, String worker, long checksum) {
        Map<String, Long> seen = byStep.computeIfAbsent(step, k -> new LinkedHashMap<>());
        seen.put(worker, checksum);
        byStep.keySet().removeIf(k -> k < step - keepSteps);
        return seen.values().stream().distinct().count() > 1 ? Map.copyOf(seen) : null;
    }
}
