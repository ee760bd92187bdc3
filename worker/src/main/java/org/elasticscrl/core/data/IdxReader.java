package org.elasticscrl.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads idx files (the MNIST / Fashion-MNIST format): a big-endian magic {@code 0x0000080N}
 * (unsigned bytes, N dimensions), N big-endian int dimensions, then the bytes in row-major order.
 * Gzip is detected from the content, not the file name, so {@code .gz} and plain files both work.
 */
public final class IdxReader {
    /** {@code 0x801}: a vector of unsigned bytes (labels). */
    public static final int LABELS_MAGIC = 0x801;
    /** {@code 0x803}: a {@code count x rows x cols} array of unsigned bytes (gray images). */
    public static final int IMAGES_MAGIC = 0x803;

    private IdxReader() {}

    /** Gray images, row-major: item {@code i} starts at {@code i * rows * cols}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            if ((long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException(count + " images of " + rows + "x" + cols
                        + " need " + (long) count * rows * cols + " bytes, got " + pixels.length);
            }
        }
    }

    /** The labels of an idx1 file (magic {@code 0x801}), one unsigned byte each. */
    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, LABELS_MAGIC, "labels");
            return body(in, file, dims[0], dims[0] + " labels");
        } catch (ZipException e) {
            throw corruptGzip(file, e);
        }
    }

    /** The images of an idx3 file (magic {@code 0x803}). */
    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, IMAGES_MAGIC, "images");
            // three 31-bit sizes can overflow a long: stop at the first product over the limit
            long plane = (long) dims[1] * dims[2];
            long bytes = plane > Integer.MAX_VALUE ? Long.MAX_VALUE : plane * dims[0];
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": header claims " + dims[0] + " images of " + dims[1]
                        + "x" + dims[2] + " (" + bytes + " bytes), more than one array can hold;"
                        + " the header is probably corrupt");
            }
            String what = dims[0] + " images of " + dims[1] + "x" + dims[2];
            return new Images(dims[0], dims[1], dims[2], body(in, file, (int) bytes, what));
        } catch (ZipException e) {
            throw corruptGzip(file, e);
        }
    }

    private static IOException corruptGzip(Path file, ZipException e) {
        return new IOException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        return new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
    }

    /** Checks the magic and returns the dimensions: the count may be 0, the others are positive. */
    private static int[] header(DataInputStream in, Path file, int expected, String kind)
            throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": too short for an idx header; expected the magic 0x"
                    + Integer.toHexString(expected) + " (" + kind + ")", e);
        }
        if (magic != expected) {
            throw new IOException(String.format("%s: wrong idx magic 0x%08x; expected 0x%08x (%s:"
                    + " unsigned bytes, %d dimensions)%s", file, magic, expected, kind,
                    expected & 0xff, hint(magic)));
        }
        int[] dims = new int[expected & 0xff];
        for (int d = 0; d < dims.length; d++) {
            try {
                dims[d] = in.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": truncated idx header; expected " + dims.length
                        + " dimensions after the magic, found " + d, e);
            }
            if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
                throw new IOException(file + ": dimension " + d + " is " + dims[d]
                        + " in the idx header; expected a positive size");
            }
        }
        return dims;
    }

    private static String hint(int magic) {
        if (magic == LABELS_MAGIC) {
            return " - this is a labels file";
        }
        if (magic == IMAGES_MAGIC) {
            return " - this is an images file";
        }
        return (magic >>> 16) == 0 ? "" : " - not an idx file";
    }

    private static byte[] body(DataInputStream in, Path file, int bytes, String what)
            throws IOException {
        // readNBytes grows its buffer as data arrives, so a corrupt header cannot force a huge
        // allocation for a small file
        byte[] data;
        try {
            data = in.readNBytes(bytes);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated; the compressed data ends before the " + what
                    + " announced by the header", e);
        }
        if (data.length < bytes) {
            throw new IOException(file + ": truncated; the header announces " + what + " ("
                    + bytes + " bytes after the header) but only " + data.length + " follow");
        }
        if (in.read() != -1) {
            throw new IOException(file + ": trailing data after the " + what + " announced by the"
                    + " header; expected the file to end there");
        }
        return data;
    }
}
