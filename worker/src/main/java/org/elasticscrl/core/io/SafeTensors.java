package org.elasticscrl.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header of
 * {@code name → {dtype, shape, data_offsets}} plus string {@code __metadata__}, then raw
 * little-endian data), read and written without dependencies. Used for checkpoints and exports,
 * so both open in Python with nothing but numpy.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Guards against reading a huge bogus header from a corrupt file. */
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor: float32 values or int64 values, and its shape. */
    public record Tensor(String dtype, long[] shape, ByteBuffer data) {
        public static Tensor f32(long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("F32", shape, b);
        }

        public static Tensor i64(long[] shape, long... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Tensor("I64", shape, b);
        }

        public float[] floats() {
            if (!dtype.equals("F32")) {
                throw new IllegalStateException("tensor is " + dtype + ", not F32");
            }
            float[] v = new float[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A whole file: tensors in order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    /** Writes {@code tensors} and {@code metadata} to {@code file} (not atomically; see Checkpoints). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype());
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long size = t.data().remaining();
            n.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8; // keeps the data 8-byte aligned, as the format suggests
        byte[] padded = new byte[json.length + pad];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(padded));
            for (Tensor t : tensors.values()) {
                writeFully(ch, t.data().duplicate());
            }
            ch.force(true);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The data section's bytes start right after the header; returns {@code [start, end)}. */
    public static long[] dataRange(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerLen = headerLength(ch, file);
            return new long[] {8 + headerLen, ch.size()};
        }
    }

    /** Reads a whole file; fails with a message naming the file when it is not valid safetensors. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerLen = headerLength(ch, file);
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(file + ": header is not valid JSON", e);
            }
            long dataStart = 8 + headerLen;
            long dataSize = ch.size() - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode n = e.getValue();
                long begin = n.path("data_offsets").path(0).asLong(-1);
                long end = n.path("data_offsets").path(1).asLong(-1);
                if (begin < 0 || end < begin || end > dataSize) {
                    throw new IOException(file + ": tensor " + e.getKey() + " lies outside the file ("
                            + begin + ".." + end + " of " + dataSize + " data bytes): truncated?");
                }
                List<Long> dims = new ArrayList<>();
                n.path("shape").forEach(d -> dims.add(d.asLong()));
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, data, dataStart + begin, file);
                data.flip();
                tensors.put(e.getKey(), new Tensor(n.path("dtype").asText(),
                        dims.stream().mapToLong(Long::longValue).toArray(), data));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static long headerLength(FileChannel ch, Path file) throws IOException {
        if (ch.size() < 8) {
            throw new IOException(file + ": too short to be a safetensors file (" + ch.size() + " bytes)");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0, file);
        long headerLen = len.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > ch.size()) {
            throw new IOException(file + ": bad header length " + headerLen + " in a file of "
                    + ch.size() + " bytes");
        }
        return headerLen;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position, Path file) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException(file + ": unexpected end of file");
            }
            pos += n;
        }
    }
}
