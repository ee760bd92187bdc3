package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.elasticscrl.core.io.SafeTensors;
import org.elasticscrl.core.io.SafeTensors.Tensor;
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.platform.DurableFiles;

/**
 * Checkpoint files: {@code checkpoint_{epoch}.safetensors} (every tensor of the state under
 * {@code online/}, {@code target/}, {@code momentum/}, {@code buffers/}, plus metadata) and
 * {@code checkpoint_last.safetensors}, a symlink to the newest. Files are written to a temporary
 * name, synced and renamed, so a crash never leaves a half-written checkpoint under a real name;
 * a CRC32C of the data section is verified on every load.
 */
public final class Checkpoints {
    public static final String LAST = "checkpoint_last.safetensors";
    static final String FORMAT = "elastic-scrl-checkpoint/1";

    private Checkpoints() {}

    public static Path fileFor(Path dir, int epoch) {
        return dir.resolve("checkpoint_" + epoch + ".safetensors");
    }

    /** Writes {@code checkpoint_{epoch}} atomically and points {@code checkpoint_last} at it. */
    public static Path write(Path dir, Checkpoint c, StateLayout layout) throws IOException {
        Path file = fileFor(dir, c.epoch());
        writeFile(file, c, layout, Map.of());
        Path link = dir.resolve("." + LAST + ".tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, file.getFileName());
        Files.move(link, dir.resolve(LAST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.syncDirectory(dir);
        return file;
    }

    /**
     * Writes {@code c} to {@code file} under a temporary name, synced, then renamed over it and the
     * directory synced ({@link DurableFiles}): a crash or a power cut leaves the previous file or the
     * new one, never half of one, and a failed write leaves no temporary. {@code extra} goes into
     * the metadata. Returns the CRC32C of the data section (recorded in the file too).
     */
    public static long writeFile(Path file, Checkpoint c, StateLayout layout, Map<String, String> extra)
            throws IOException {
        return writeFile(file, c, layout, extra, java.util.function.UnaryOperator.identity());
    }

    /** As above; {@code around} wraps the filling of the temporary file (fault injection: a disk that fails). */
    public static long writeFile(Path file, Checkpoint c, StateLayout layout, Map<String, String> extra,
            java.util.function.UnaryOperator<DurableFiles.Writer> around) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TrainingState s = c.state();
        put(tensors, "online/", layout.online(), s.online());
        put(tensors, "target/", layout.target(), s.target());
        put(tensors, "momentum/", layout.online(), s.momentum());
        put(tensors, "buffers/", layout.buffers(), s.buffers());
        CRC32C crc = new CRC32C();
        tensors.values().forEach(t -> crc.update(t.data().duplicate()));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("layout", s.layout());
        meta.put("step", Long.toString(s.step()));
        meta.put("epoch", Integer.toString(c.epoch()));
        meta.put("best_score", Double.toString(c.bestScore()));
        meta.put("best_epoch", Integer.toString(c.bestEpoch()));
        meta.put("config", c.config());
        meta.put("crc32c", Long.toHexString(crc.getValue()));
        extra.forEach(meta::putIfAbsent);
        // a full disk or a kill mid-write leaves the previous file and no temporary behind
        DurableFiles.write(file, around.apply(tmp -> SafeTensors.write(tmp, tensors, meta)));
        return crc.getValue();
    }

    private static void put(Map<String, Tensor> out, String prefix, List<StateLayout.Slot> slots, float[] flat) {
        for (StateLayout.Slot slot : slots) {
            float[] v = new float[Math.toIntExact(slot.size())];
            System.arraycopy(flat, Math.toIntExact(slot.offset()), v, 0, v.length);
            out.put(prefix + slot.name(), Tensor.f32(slot.shape(), v));
        }
    }

    /**
     * Reads and verifies a checkpoint for a model of {@code layout}.
     *
     * @throws CorruptCheckpointException when the file is damaged, truncated, not a checkpoint, or
     *     written for another architecture — with a message saying which and what to do
     */
    public static Checkpoint read(Path file, StateLayout layout) throws IOException {
        return decode(file, verified(file), layout);
    }

    /** The checkpoint in already {@link #verified} contents, for a model of {@code layout}. */
    public static Checkpoint decode(Path file, SafeTensors.Contents contents, StateLayout layout) {
        Map<String, String> meta = contents.metadata();
        if (!layout.id().equals(meta.get("layout"))) {
            throw new CorruptCheckpointException(file + " was written for another model (" + meta.get("layout")
                    + "; this configuration builds " + layout.id() + "): check --config and the network keys");
        }
        Map<String, Tensor> t = contents.tensors();
        TrainingState state = new TrainingState(meta.get("layout"), Long.parseLong(meta.get("step")),
                gather(file, t, "online/", layout.online()), gather(file, t, "target/", layout.target()),
                gather(file, t, "momentum/", layout.online()), gather(file, t, "buffers/", layout.buffers()));
        return new Checkpoint(state, Integer.parseInt(meta.get("epoch")), Double.parseDouble(meta.get("best_score")),
                Integer.parseInt(meta.get("best_epoch")), meta.get("config"));
    }

    /**
     * The tensors and metadata of a checkpoint whose format and checksum have been verified (for
     * tools that read it without building the model: export, inspection).
     */
    public static SafeTensors.Contents verified(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            throw corrupt(file, e.getMessage(), e);
        }
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw corrupt(file, "not an elastic-scrl checkpoint (format " + meta.get("format") + ")", null);
        }
        long expected = parseHex(file, meta.get("crc32c"));
        long actual = dataChecksum(file);
        if (expected != actual) {
            throw corrupt(file, String.format("checksum mismatch (recorded %08x, file has %08x)", expected, actual), null);
        }
        return contents;
    }

    private static float[] gather(Path file, Map<String, Tensor> tensors, String prefix, List<StateLayout.Slot> slots) {
        long total = slots.isEmpty() ? 0 : slots.get(slots.size() - 1).offset() + slots.get(slots.size() - 1).size();
        float[] flat = new float[Math.toIntExact(total)];
        for (StateLayout.Slot slot : slots) {
            Tensor tensor = tensors.get(prefix + slot.name());
            if (tensor == null || tensor.elements() != slot.size()) {
                throw corrupt(file, "tensor " + prefix + slot.name() + (tensor == null ? " is missing"
                        : " has " + tensor.elements() + " values, expected " + slot.size()), null);
            }
            float[] v = tensor.floats();
            System.arraycopy(v, 0, flat, Math.toIntExact(slot.offset()), v.length);
        }
        return flat;
    }

    /** CRC32C of everything after the header. */
    static long dataChecksum(Path file) throws IOException {
        long[] range = SafeTensors.dataRange(file);
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = range[0];
            while (pos < range[1]) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                buf.flip();
                crc.update(buf);
                pos += n;
            }
        }
        return crc.getValue();
    }

    private static long parseHex(Path file, String hex) {
        try {
            return Long.parseLong(hex, 16);
        } catch (RuntimeException e) {
            throw corrupt(file, "no valid crc32c in its metadata", e);
        }
    }

    private static CorruptCheckpointException corrupt(Path file, String why, Throwable cause) {
        return new CorruptCheckpointException("checkpoint " + file + " is corrupt: " + why
                + "; it was not loaded. Resume from an older checkpoint_N.safetensors (pass its run"
                + " directory after pointing checkpoint_last at it) or start a new run.", cause);
    }
}
