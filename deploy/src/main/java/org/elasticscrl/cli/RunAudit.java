package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.plan.EpochPlan;
import org.elasticscrl.report.Csv;

/**
 * A cluster run's records checked against DESIGN's invariants, as counts (for the chaos table):
 * committed steps lost or written twice, samples of an epoch missing from the committed steps or
 * counted twice (I2), and commits whose replicas reported different state checksums (I1).
 */
record RunAudit(long expectedSteps, long committed, long lostSteps, long repeatedSteps, long missedSamples,
        long duplicatedSamples, long checksumMismatches, long commitsChecked) {

    /** Audits {@code dir} for a run of {@code cfg} over {@code datasetSize} samples. */
    static RunAudit of(Path dir, ScrlConfig cfg, int datasetSize) throws IOException {
        var t = cfg.train();
        return of(dir, cfg, datasetSize, EpochPlan.stepsPerEpoch(datasetSize, t.batchSizeTrain()) * t.maxEpochs(), true);
    }

    /**
     * Audits the first {@code steps} steps of a run stopped before its end (a benchmark's): each of them
     * committed once, and every sample their plan holds counted exactly once.
     */
    static RunAudit ofFirst(Path dir, ScrlConfig cfg, int datasetSize, long steps) throws IOException {
        return of(dir, cfg, datasetSize, steps, false);
    }

    private static RunAudit of(Path dir, ScrlConfig cfg, int datasetSize, long expected, boolean whole)
            throws IOException {
        var t = cfg.train();
        long perEpoch = EpochPlan.stepsPerEpoch(datasetSize, t.batchSizeTrain());
        Map<Long, Integer> seen = new HashMap<>();
        Map<Integer, Map<Integer, Integer>> samplesByEpoch = new HashMap<>();
        Map<Integer, EpochPlan> plans = new HashMap<>();
        for (String[] r : Csv.dataRows(dir.resolve("commits.csv"), 11)) {
            long step = Long.parseLong(r[0]);
            int epoch = Integer.parseInt(r[1]);
            if (!whole && step >= expected) {
                continue; // beyond the audited steps
            }
            if (seen.merge(step, 1, Integer::sum) > 1) {
                continue;
            }
            EpochPlan plan = plans.computeIfAbsent(epoch,
                    e -> EpochPlan.of(cfg.seed(), e, datasetSize, t.chunkSize(), t.chunksPerStep()));
            Map<Integer, Integer> counts = samplesByEpoch.computeIfAbsent(epoch, e -> new HashMap<>());
            for (String pair : r[10].trim().split(" ")) {
                int chunk = Integer.parseInt(pair.substring(0, pair.indexOf(':')));
                for (int s : plan.chunk(chunk)) {
                    counts.merge(s, 1, Integer::sum);
                }
            }
        }
        long lost = 0;
        for (long s = 0; s < expected; s++) {
            lost += seen.containsKey(s) ? 0 : 1;
        }
        long repeated = seen.values().stream().filter(n -> n > 1).count();
        long missed = 0;
        long duplicated = 0;
        for (int epoch = 1; epoch <= t.maxEpochs() && (whole || (epoch - 1) * perEpoch < expected); epoch++) {
            Map<Integer, Integer> counts = samplesByEpoch.getOrDefault(epoch, Map.of());
            if (whole) {
                missed += datasetSize - counts.size();
            } else { // the samples the audited steps of this epoch plan
                EpochPlan plan = plans.computeIfAbsent(epoch,
                        e -> EpochPlan.of(cfg.seed(), e, datasetSize, t.chunkSize(), t.chunksPerStep()));
                for (long s = 0; s < perEpoch && (epoch - 1) * perEpoch + s < expected; s++) {
                    for (int c : plan.chunksOfStep((int) s)) {
                        for (int sample : plan.chunk(c)) {
                            missed += counts.containsKey(sample) ? 0 : 1;
                        }
                    }
                }
            }
            duplicated += counts.values().stream().filter(n -> n > 1).count();
        }
        Map<Long, Set<String>> sums = new TreeMap<>();
        for (String[] r : Csv.dataRows(dir.resolve("checksums.csv"), 3)) {
            sums.computeIfAbsent(Long.parseLong(r[0]), k -> new HashSet<>()).add(r[2]);
        }
        long mismatches = sums.values().stream().filter(v -> v.size() > 1).count();
        return new RunAudit(expected, seen.size(), lost, repeated, missed, duplicated, mismatches, sums.size());
    }

    boolean clean() {
        return lostSteps == 0 && repeatedSteps == 0 && missedSamples == 0 && duplicatedSamples == 0
                && checksumMismatches == 0;
    }

}
