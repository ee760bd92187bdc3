package org.elasticscrl.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idx reader on the installed Fashion-MNIST files and on broken files written here. */
class IdxReaderTest {
    private static final Path ROOT = FashionMnist.DEFAULT_ROOT;

    @TempDir
    Path tmp;

    @Test
    void trainLabelsHaveSixThousandPerClass() throws IOException {
        byte[] labels = IdxReader.readLabels(ROOT.resolve("train-labels-idx1-ubyte.gz"));
        assertEquals(60_000, labels.length);
        int[] perClass = histogram(labels);
        int[] expected = new int[10];
        Arrays.fill(expected, 6_000);
        assertArrayEquals(expected, perClass);
        // the first ten labels, as numpy reads them
        assertArrayEquals(new byte[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(labels, 10));
    }

    @Test
    void testLabelsHaveOneThousandPerClass() throws IOException {
        byte[] labels = IdxReader.readLabels(ROOT.resolve("t10k-labels-idx1-ubyte.gz"));
        int[] expected = new int[10];
        Arrays.fill(expected, 1_000);
        assertArrayEquals(expected, histogram(labels));
    }

    @Test
    void trainImagesMatchNumpy() throws IOException {
        IdxReader.Images images = IdxReader.readImages(ROOT.resolve("train-images-idx3-ubyte.gz"));
        assertEquals(60_000, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.cols());
        // pinned with /usr/bin/python3 + numpy: pixel sums of the first and last image, row 14
        assertEquals(76_247, sum(images.pixels(), 0, 784));
        assertEquals(16_684, sum(images.pixels(), 59_999 * 784, 784));
        int[] row14 = {0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221,
            216, 223, 229, 215, 218, 255, 77, 0};
        for (int x = 0; x < 28; x++) {
            assertEquals(row14[x], images.pixels()[14 * 28 + x] & 0xff, "row 14, column " + x);
        }
    }

    @Test
    void readsUncompressedFiles() throws IOException {
        Path file = tmp.resolve("labels-idx1-ubyte");
        Files.write(file, idx(0x801, new int[] {3}, new byte[] {7, 0, (byte) 200}));
        assertArrayEquals(new byte[] {7, 0, (byte) 200}, IdxReader.readLabels(file));
        Path images = tmp.resolve("images-idx3-ubyte");
        Files.write(images, idx(0x803, new int[] {2, 1, 2}, new byte[] {1, 2, 3, 4}));
        IdxReader.Images read = IdxReader.readImages(images);
        assertEquals(2, read.count());
        assertEquals(1, read.rows());
        assertEquals(2, read.cols());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, read.pixels());
    }

    @Test
    void wrongMagicNamesTheFileAndTheExpectedMagic() throws IOException {
        Path labels = ROOT.resolve("train-labels-idx1-ubyte.gz");
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(labels));
        assertMentions(e, labels.toString(), "wrong idx magic 0x00000801", "expected 0x00000803",
                "labels file");
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello, world");
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(text));
        assertMentions(e, text.toString(), "expected 0x00000801", "not an idx file");
    }

    @Test
    void truncatedBodyNamesTheFileAndTheAnnouncedSize() throws IOException {
        Path file = tmp.resolve("short-images-idx3-ubyte");
        Files.write(file, idx(0x803, new int[] {2, 28, 28}, new byte[1000]));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(file));
        assertMentions(e, file.toString(), "truncated", "2 images of 28x28", "1568 bytes",
                "only 1000");
    }

    @Test
    void truncatedGzipAndHeaderFailClearly() throws IOException {
        byte[] gz = Files.readAllBytes(ROOT.resolve("train-labels-idx1-ubyte.gz"));
        Path half = tmp.resolve("half-labels-idx1-ubyte.gz");
        Files.write(half, Arrays.copyOf(gz, gz.length / 2));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(half));
        assertMentions(e, half.toString(), "truncated", "60000 labels");

        Path tiny = tmp.resolve("tiny");
        Files.write(tiny, new byte[] {0, 0, 8});
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(tiny));
        assertMentions(e, tiny.toString(), "too short", "0x801");

        Path header = tmp.resolve("header");
        Files.write(header, idx(0x803, new int[] {5}, new byte[0]));
        e = assertThrows(IOException.class, () -> IdxReader.readImages(header));
        assertMentions(e, header.toString(), "truncated idx header", "expected 3 dimensions");
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        Path file = tmp.resolve("long-labels");
        Files.write(file, idx(0x801, new int[] {2}, new byte[] {1, 2, 3}));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readLabels(file));
        assertMentions(e, file.toString(), "trailing data");
    }

    static byte[] idx(int magic, int[] dims, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(body);
        return bytes.toByteArray();
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part),
                    "message should mention '" + part + "': " + e.getMessage());
        }
    }

    private static int[] histogram(byte[] labels) {
        int[] h = new int[10];
        for (byte b : labels) {
            h[b]++;
        }
        return h;
    }

    private static long sum(byte[] data, int from, int n) {
        long s = 0;
        for (int i = from; i < from + n; i++) {
            s += data[i] & 0xff;
        }
        return s;
    }
}
