package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticscrl.core.io.SafeTensors;
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingState;

/**
 * A replica holder's durable copies of the cluster's state: {@code step_{S}.safetensors} in its
 * own directory, each the full training state after commit {@code S} plus the coordinator's run
 * state (JSON, metadata {@code run_state}) so that a copy describes itself. Written like every
 * checkpoint (temporary name, synced, renamed; CRC32C of the data). What a holder deletes is the
 * coordinator's decision, from the manifest: it keeps its copies of the newest durable checkpoints
 * (durable = every copy written, on whichever holders) and deletes only its other, older ones — a
 * holder's own newer copy does not make a checkpoint durable, so it never removes the last durable
 * copy. A load checks a copy against what the manifest recorded of it (CRC32C, size, run).
 */
public final class DurableCopies {
    private static final Pattern NAME = Pattern.compile("step_(\\d+)\\.safetensors");
    private static final com.fasterxml.jackson.databind.ObjectMapper RUN_STATE = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A copy written: where, the CRC32C of its data section, and its size. */
    public record Written(Path file, long crc32c, long bytes) {}

    /** What the manifest records of one copy: where, the CRC32C of its data (hex), its size. */
    public record Expected(String path, String crc32c, long bytes) {}

    /** A copy loaded: the state after commit {@code step} and the file it came from. */
    public record Loaded(TrainingState state, Path file) {}

    private DurableCopies() {}

    public static Path fileFor(Path dir, long step) {
        return dir.resolve("step_" + step + ".safetensors");
    }

    /**
     * Writes the state (after commit {@code step}) into {@code dir}, then deletes the copies older than it
     * that are not in {@code keep} (the newest durable checkpoints' steps).
     */
    public static Written write(Path dir, long step, TrainingState state, StateLayout layout, String configYaml,
            String runStateJson, java.util.Collection<Long> keep) throws IOException {
        return write(dir, step, state, layout, configYaml, runStateJson, keep, java.util.function.UnaryOperator.identity());
    }

    /**
     * As above; {@code around} wraps the filling of the temporary file (fault injection). The temporaries a killed
     * write left are removed first: on a full disk they may be what fills it.
     */
    public static Written write(Path dir, long step, TrainingState state, StateLayout layout, String configYaml,
            String runStateJson, java.util.Collection<Long> keep,
            java.util.function.UnaryOperator<org.elasticscrl.platform.DurableFiles.Writer> around) throws IOException {
        if (state.step() != step + 1) {
            throw new IllegalStateException("the state holds " + state.step() + " commits, not the " + (step + 1)
                    + " of a copy after step " + step);
        }
        Files.createDirectories(dir);
        org.elasticscrl.platform.DurableFiles.removeTemporaries(dir);
        Path file = fileFor(dir, step);
        long crc = Checkpoints.writeFile(file, new Checkpoint(state, -1, -1, 0, configYaml), layout,
                Map.of("run_state", runStateJson), around);
        prune(dir, keep, step);
        return new Written(file, crc, Files.size(file));
    }

    /**
     * Deletes the copies in {@code dir} older than {@code written} that are not in {@code keep}, and the
     * temporaries a killed write left (a holder writes one copy at a time into its own directory, so
     * none is in use). Newer copies (of a timeline a restart went back from) are the manifest's to judge.
     */
    static void prune(Path dir, java.util.Collection<Long> keep, long written) throws IOException {
        org.elasticscrl.platform.DurableFiles.removeTemporaries(dir);
        TreeMap<Long, Path> copies = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    copies.put(Long.parseLong(m.group(1)), f);
                }
            }
        }
        for (var copy : copies.headMap(written).entrySet()) {
            if (!keep.contains(copy.getKey())) {
                Files.deleteIfExists(copy.getValue());
            }
        }
    }

    /**
     * Loads the copy of {@code step} of run {@code runId} from the first of {@code copies} that exists here
     * and verifies: format, checksum, architecture, step, and what the manifest recorded of it — its size,
     * its CRC32C, its run (two runs sharing a checkpoint directory never load each other's state).
     *
     * @throws IOException naming every path tried and why each was refused
     */
    public static Loaded read(List<Expected> copies, String runId, long step, StateLayout layout) throws IOException {
        List<String> refused = new ArrayList<>();
        for (Expected copy : copies) {
            String p = copy.path();
            Path file = Path.of(p);
            if (!Files.isRegularFile(file)) {
                refused.add(p + ": not on this node");
                continue;
            }
            try {
                long size = Files.size(file);
                if (size != copy.bytes()) {
                    refused.add(p + ": its size is " + size + " bytes, the manifest records " + copy.bytes());
                    continue;
                }
                SafeTensors.Contents contents = Checkpoints.verified(file);
                String differs = againstManifest(contents.metadata(), copy, runId);
                if (differs != null) {
                    refused.add(p + ": " + differs);
                    continue;
                }
                Checkpoint c = Checkpoints.decode(file, contents, layout);
                if (c.state().step() != step + 1) {
                    refused.add(p + ": holds " + c.state().step() + " commits, expected " + (step + 1));
                    continue;
                }
                return new Loaded(c.state(), file);
            } catch (IOException | RuntimeException e) {
                refused.add(p + ": " + e.getMessage());
            }
        }
        throw new IOException("no readable copy of the checkpoint after step " + step + " ("
                + (copies.isEmpty() ? "none listed" : String.join("; ", refused)) + ")");
    }

    /** How a copy's metadata differs from what the manifest recorded of it (CRC32C, run), or null. */
    private static String againstManifest(Map<String, String> meta, Expected copy, String runId) throws IOException {
        if (!copy.crc32c().equalsIgnoreCase(meta.get("crc32c"))) {
            return "its CRC32C is " + meta.get("crc32c") + ", the manifest records " + copy.crc32c();
        }
        String run = RUN_STATE.readTree(meta.getOrDefault("run_state", "{}")).path("run_id").asText();
        if (!run.equals(runId)) {
            return "it is a copy of run '" + run + "', this run is " + runId;
        }
        return null;
    }
}
