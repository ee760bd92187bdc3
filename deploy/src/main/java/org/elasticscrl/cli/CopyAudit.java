package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * A campaign's durable checkpoints after the fact: no temporary file left behind in the run directory or any
 * holder's copies, and every copy of the newest durable checkpoint in the manifest present with the size recorded.
 * A worker killed hard (SIGKILL, power cut) and never started again may leave the write it was killed in: a worker
 * removes its leftovers when it starts, and that machine's disk went with it (a rented machine that is taken back
 * is not cleaned by anyone else). Those leftovers are listed apart ({@code abandoned}), not counted as a fault.
 */
record CopyAudit(List<Path> temporaries, List<Path> abandoned, List<String> problems) {
    boolean clean() {
        return temporaries.isEmpty() && problems.isEmpty();
    }

    /**
     * {@code fullDisk}: where the full-disk worker's copies went (null: none); {@code goneForGood}: workers killed
     * hard and never welcomed to the run again, whose copies directory may hold a killed write's temporary.
     */
    static CopyAudit of(Path runDir, Path fullDisk, Collection<String> goneForGood) throws IOException {
        List<Path> temporaries = new ArrayList<>(temporaries(runDir));
        List<Path> abandoned = new ArrayList<>();
        for (Path copies : fullDisk == null ? List.of(runDir.resolve("copies"))
                : List.of(runDir.resolve("copies"), fullDisk)) {
            if (Files.isDirectory(copies)) {
                try (Stream<Path> holders = Files.list(copies)) {
                    for (Path holder : holders.toList()) {
                        (goneForGood.contains(holder.getFileName().toString()) ? abandoned : temporaries)
                                .addAll(temporaries(holder));
                    }
                }
            }
        }
        return new CopyAudit(temporaries, abandoned, newestDurable(runDir.resolve("checkpoints.json")));
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\..*\\.tmp")).toList();
        }
    }

    private static List<String> newestDurable(Path manifest) throws IOException {
        if (!Files.exists(manifest)) {
            return List.of();
        }
        JsonNode root = new ObjectMapper().readTree(manifest.toFile());
        int required = root.path("copies_required").asInt();
        JsonNode newest = null;
        for (JsonNode e : root.path("checkpoints")) {
            if (e.path("copies").size() >= required && (newest == null || e.path("step").asLong() > newest.path("step")
                    .asLong())) {
                newest = e;
            }
        }
        List<String> problems = new ArrayList<>();
        if (newest == null) {
            return problems;
        }
        for (JsonNode c : newest.path("copies")) {
            Path p = Path.of(c.path("path").asText());
            long size = Files.exists(p) ? Files.size(p) : -1;
            if (size != c.path("bytes").asLong()) {
                problems.add("checkpoint after step " + newest.path("step").asLong() + ": copy " + p + (size < 0
                        ? " is missing" : " has " + size + " bytes, the manifest records " + c.path("bytes").asLong()));
            }
        }
        return problems;
    }
}
