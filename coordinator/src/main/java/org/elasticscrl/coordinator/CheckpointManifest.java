package org.elasticscrl.coordinator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code checkpoints.json} in the run directory: every durable checkpoint the run keeps — the
 * coordinator's run state after its step (what a restart resumes: step, membership epoch, data
 * size, the epoch's loss so far) and where each copy lives (worker, node, file, CRC32C, bytes). A
 * checkpoint is durable once {@code required} copies are written. Rewritten atomically on every
 * change; entries older than the newest {@code kept} durable ones are dropped (their holders
 * delete those files themselves).
 */
final class CheckpointManifest {
    static final String FILE = "checkpoints.json";
    static final String FORMAT = "elastic-scrl-manifest/1";

    /** One holder's copy. */
    record Copy(String worker, String node, String path, String crc32c, long bytes) {}

    /** The checkpoint after {@code step}: the run state it resumes and its copies. */
    record Entry(long step, int epoch, int stepInEpoch, long unixMillis, RunState runState, List<String> holders,
            List<Copy> copies, List<String> failures) {
        @JsonIgnore
        boolean durable(int required) {
            return copies.size() >= required;
        }
    }

    /** The file's contents. */
    record Contents(String format, String runId, int copiesRequired, List<Entry> checkpoints) {}

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path file;
    private final String runId;
    private final int required;
    private final int kept;
    private final List<Entry> entries = new ArrayList<>();

    private CheckpointManifest(Path file, String runId, int required, int kept, List<Entry> existing) {
        this.file = file;
        this.runId = runId;
        this.required = required;
        this.kept = kept;
        entries.addAll(existing);
    }

    /**
     * The manifest of run {@code runId} in {@code dir}: what the file holds, or empty.
     *
     * @throws IllegalStateException when the file is unreadable or of another run, naming it
     */
    static CheckpointManifest open(Path dir, String runId, int required, int kept) {
        Path f = dir.resolve(FILE);
        try {
            Files.deleteIfExists(org.elasticscrl.platform.DurableFiles.temporary(f)); // a killed write's leftover
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + org.elasticscrl.platform.DurableFiles.temporary(f)
                    + ": " + e.getMessage(), e);
        }
        List<Entry> existing = new ArrayList<>();
        if (Files.exists(f)) {
            Contents c;
            try {
                c = JSON.readValue(f.toFile(), Contents.class);
            } catch (IOException e) {
                throw new IllegalStateException(f + " is not a readable checkpoint manifest (" + e.getMessage()
                        + "): move it away to start the run afresh", e);
            }
            if (!FORMAT.equals(c.format()) || !runId.equals(c.runId())) {
                throw new IllegalStateException(f + " belongs to run " + c.runId() + " (" + c.format()
                        + "), not " + runId + ": use another --save_dir");
            }
            existing.addAll(c.checkpoints() == null ? List.of() : c.checkpoints());
        }
        return new CheckpointManifest(f, runId, required, kept, existing);
    }

    Path file() {
        return file;
    }

    /** What the file says (for operators). */
    Contents contents() {
        return new Contents(FORMAT, runId, required,
                entries.stream().sorted(Comparator.comparingLong(Entry::step)).toList());
    }

    /** Durable checkpoints, newest first. */
    List<Entry> durable() {
        return entries.stream().filter(e -> e.durable(required))
                .sorted(Comparator.comparingLong(Entry::step).reversed()).toList();
    }

    /** A checkpoint after {@code state.committedStep()} is being written by {@code holders}. */
    void begin(RunState state, int epoch, int stepInEpoch, List<String> holders) {
        entries.removeIf(e -> e.step() == state.committedStep());
        entries.add(new Entry(state.committedStep(), epoch, stepInEpoch, System.currentTimeMillis(), state,
                List.copyOf(holders), List.of(), List.of()));
        write();
    }

    /** A holder's answer; returns the entry when this copy made it durable, else null. */
    Entry saved(long step, Copy copy, String error) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.step() != step) {
                continue;
            }
            boolean wasDurable = e.durable(required);
            List<Copy> copies = new ArrayList<>(e.copies());
            List<String> failures = new ArrayList<>(e.failures());
            if (error == null || error.isEmpty()) {
                copies.removeIf(c -> c.worker().equals(copy.worker()));
                copies.add(copy);
            } else {
                failures.add(copy.worker() + ": " + error);
            }
            Entry next = new Entry(e.step(), e.epoch(), e.stepInEpoch(), e.unixMillis(), e.runState(), e.holders(),
                    List.copyOf(copies), List.copyOf(failures));
            entries.set(i, next);
            if (!wasDurable && next.durable(required)) {
                prune();
            }
            write();
            return !wasDurable && next.durable(required) ? next : null;
        }
        return null;
    }

    /** Keeps the newest {@code kept} durable entries and anything newer still being written. */
    private void prune() {
        List<Entry> durable = durable();
        if (durable.size() <= kept) {
            return;
        }
        long oldestKept = durable.get(kept - 1).step();
        entries.removeIf(e -> e.step() < oldestKept);
    }

    /** Durably: a power cut leaves the previous manifest or this one, never an empty file. */
    private void write() {
        try {
            org.elasticscrl.platform.DurableFiles.write(file, JSON.writeValueAsBytes(contents()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint manifest " + file, e);
        }
    }

    /** The run state as JSON (what each copy records about itself). */
    static String json(RunState s) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
