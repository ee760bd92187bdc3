package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendedLinesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheFileAsItWasAndTheRetryWritesTheLineOnce() throws IOException {
        AtomicBoolean full = new AtomicBoolean();
        Path file = dir.resolve("commits.csv");
        try (AppendedLines lines = new AppendedLines(file, "step,detail", f -> full.get())) {
            lines.append("0,a");
            full.set(true);
            var e = assertThrows(IOException.class, () -> lines.append("1,b"));
            assertEquals(List.of("step,detail", "0,a"), Files.readAllLines(file), e.getMessage());
            full.set(false);
            lines.append("1,b");
        }
        try (AppendedLines again = new AppendedLines(file, "step,detail", f -> false)) { // reopened: no second header
            again.append("2,c");
        }
        assertEquals(List.of("step,detail", "0,a", "1,b", "2,c"), Files.readAllLines(file));
    }
}
