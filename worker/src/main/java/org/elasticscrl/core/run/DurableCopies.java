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
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingState;

/**
 * A replica holder's durable copies of the cluster's state: {@code step_{S}.safetensors} in its
 * own directory, each the full training state after commit {@code S} plus the coordinator's run
 * state (JSON, metadata {@code run_state}) so that a copy describes itself. Written like every
 * checkpoint (temporary name, synced, renamed; CRC32C of the data); a holder keeps its newest
 * {@code kept} copies and deletes older ones only once a newer one is safely written, so the
 * last good copy is never overwritten or removed first.
 */
public final class DurableCopies {
    private static final Pattern NAME = Pattern.compile("step_(\\d+)\\.safetensors");

    /** A copy written: where, the CRC32C of its data section, and its size. */
    public record Written(Path file, long crc32c, long bytes) {}

    /** A copy loaded: the state after commit {@code step} and the file it came from. */
    public record Loaded(TrainingState state, Path file) {}

    private DurableCopies() {}

    public static Path fileFor(Path dir, long step) {
        return dir.resolve("step_" + step + ".safetensors");
    }

    /** Writes the state (after commit {@code step}) into {@code dir}, then prunes to the newest {@code kept}. */
    public static Written write(Path dir, long step, TrainingState state, StateLayout layout, String configYaml,
            String runStateJson, int kept) throws IOException {
        if (state.step() != step + 1) {
            throw new IllegalStateException("the state holds " + state.step() + " commits, not the " + (step + 1)
                    + " of a copy after step " + step);
        }
        Files.createDirectories(dir);
        Path file = fileFor(dir, step);
        long crc = Checkpoints.writeFile(file, new Checkpoint(state, -1, -1, 0, configYaml), layout,
                Map.of("run_state", runStateJson));
        prune(dir, kept);
        return new Written(file, crc, Files.size(file));
    }

    /**
     * Deletes all but the newest {@code kept} copies in {@code dir} and the temporaries a killed
     * write left (a holder writes one copy at a time into its own directory, so none is in use).
     */
    static void prune(Path dir, int kept) throws IOException {
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
        while (copies.size() > kept) {
            Files.deleteIfExists(copies.pollFirstEntry().getValue());
        }
    }

    /**
     * Loads the copy of {@code step} from the first of {@code paths} that exists here and
     * verifies (format, checksum, architecture, step).
     *
     * @throws IOException naming every path tried and why each was refused
     */
    public static Loaded read(List<String> paths, long step, StateLayout layout) throws IOException {
        List<String> refused = new ArrayList<>();
        for (String p : paths) {
            Path file = Path.of(p);
            if (!Files.isRegularFile(file)) {
                refused.add(p + ": not on this node");
                continue;
            }
            try {
                Checkpoint c = Checkpoints.read(file, layout);
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
                + (paths.isEmpty() ? "none listed" : String.join("; ", refused)) + ")");
    }
}
