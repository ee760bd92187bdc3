package org.elasticscrl.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Files that survive a power cut whole or not at all: written under a temporary name
 * ({@code .NAME.tmp} beside the target), synced, renamed over the target, and the directory synced
 * so that the rename itself is on disk. A write that fails removes its temporary (a full disk must
 * not stay full of half-files), and {@link #removeTemporaries} clears those a killed process left.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** The temporary name a durable write of {@code target} uses. */
    public static Path temporary(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp");
    }

    /** Writes {@code bytes} to {@code target} durably. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            } // synced by the write below, once
        });
    }

    /** How a durable write fills its temporary file (the write syncs it afterwards). */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * Lets {@code writer} fill the temporary file, syncs it, renames it over {@code target} and syncs
     * the directory; on any failure the temporary is removed and the target is as it was.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path tmp = temporary(target);
        try {
            writer.writeTo(tmp);
            sync(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Syncs a file's contents to the disk. */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Syncs a directory, so that renames and new entries in it survive a power cut. Where the file
     * system cannot open a directory for syncing (some do not allow it), there is nothing more to do.
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** Removes the temporaries ({@code .*.tmp}) a killed writer left in {@code dir}; returns what it removed. */
    public static List<Path> removeTemporaries(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                    Files.delete(p);
                    removed.add(p);
                }
            }
        }
        return removed;
    }
}
