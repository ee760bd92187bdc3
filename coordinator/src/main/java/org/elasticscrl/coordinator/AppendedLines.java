package org.elasticscrl.coordinator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;

/**
 * One of the run directory's CSV files, appended a line at a time — each line whole or not at all: a
 * write that fails (a full disk) cuts the file back to where it was, so a retry after space returns
 * writes the line once and no reader ever sees half a row. {@code fault} (tests, {@code scrl chaos})
 * makes writes fail as a full disk would.
 */
final class AppendedLines implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final Predicate<Path> fault;

    AppendedLines(Path file, String header, Predicate<Path> fault) throws IOException {
        this.file = file;
        this.fault = fault;
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (fresh) {
            append(header);
        }
    }

    Path file() {
        return file;
    }

    /** Appends {@code line} and a newline; on failure the file is as it was before. */
    void append(String line) throws IOException {
        long before = channel.size();
        try {
            if (fault.test(file)) {
                throw new IOException("No space left on device (a full disk, injected) writing " + file);
            }
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(line + "\n");
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
