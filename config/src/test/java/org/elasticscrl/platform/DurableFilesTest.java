package org.elasticscrl.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable writes replace a file whole, leave no temporary when they fail, and clear a killed writer's. */
class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void aWriteReplacesTheFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("checkpoints.json");
        DurableFiles.write(f, "first".getBytes(StandardCharsets.UTF_8));
        DurableFiles.write(f, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", Files.readString(f));
        assertEquals(List.of(f), List.copyOf(list()));
    }

    @Test
    void aWriteThatFailsLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("step_7.safetensors");
        DurableFiles.write(f, "the good copy".getBytes(StandardCharsets.UTF_8));
        IOException full = assertThrows(IOException.class, () -> DurableFiles.write(f, tmp -> {
            Files.writeString(tmp, "half of a new cop"); // then the disk is full
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", full.getMessage());
        assertEquals("the good copy", Files.readString(f));
        assertFalse(Files.exists(DurableFiles.temporary(f)), "a failed write must not keep the disk full");
        assertEquals(List.of(f), List.copyOf(list()));
    }

    @Test
    void theTemporariesAKilledWriterLeftAreRemovedAndNothingElse() throws IOException {
        Path left = Files.writeString(dir.resolve(".step_3.safetensors.tmp"), "killed mid-write");
        Path manifest = Files.writeString(dir.resolve(".checkpoints.json.tmp"), "");
        Path copy = Files.writeString(dir.resolve("step_2.safetensors"), "a copy");
        Path other = Files.writeString(dir.resolve("notes.tmp"), "not ours: no leading dot");
        List<Path> removed = DurableFiles.removeTemporaries(dir);
        assertEquals(2, removed.size(), removed.toString());
        assertTrue(removed.containsAll(List.of(left, manifest)));
        assertTrue(Files.exists(copy) && Files.exists(other));
        assertEquals(List.of(), DurableFiles.removeTemporaries(dir.resolve("missing")));
    }

    private List<Path> list() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
