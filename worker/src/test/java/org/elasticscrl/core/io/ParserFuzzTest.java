package org.elasticscrl.core.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.elasticscrl.core.data.IdxReader;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.elasticscrl.protocol.tensor.TensorHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parser of bytes that may come from a peer or a damaged disk — checkpoints (safetensors), the
 * dataset's IDX files, tensor payload headers — fed random and mutated inputs: each either reads them or
 * refuses them with its own clear exception; never another exception, an OutOfMemoryError or a hang.
 */
class ParserFuzzTest {
    private static final int ROUNDS = 3000;
    @TempDir
    Path dir;

    /** Random bytes, a truncation, a bit flip, or bytes overwritten at random: a damaged {@code good}. */
    private static byte[] mutate(byte[] good, SplittableRandom rng) {
        switch (rng.nextInt(4)) {
            case 0 -> {
                byte[] r = new byte[rng.nextInt(good.length + 16)];
                rng.nextBytes(r);
                return r;
            }
            case 1 -> {
                return Arrays.copyOf(good, rng.nextInt(good.length));
            }
            case 2 -> {
                byte[] m = good.clone();
                int i = rng.nextInt(m.length);
                m[i] ^= (byte) (1 << rng.nextInt(8));
                return m;
            }
            default -> {
                byte[] m = good.clone();
                for (int k = 0; k < 1 + rng.nextInt(8); k++) {
                    m[rng.nextInt(m.length)] = (byte) rng.nextInt(256);
                }
                return m;
            }
        }
    }

    @Test
    void safetensorsFilesAreReadOrRefusedWithAnIOException() throws Exception {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", SafeTensors.Tensor.f32(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                "step", SafeTensors.Tensor.i64(new long[] {1}, 7)), Map.of("config", "a: 1"));
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("fuzz.safetensors");
        SplittableRandom rng = new SplittableRandom(11);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] b = mutate(bytes, rng);
                Files.write(f, b);
                try {
                    SafeTensors.read(f);
                } catch (IOException refused) {
                    // named and explained
                } catch (Throwable t) {
                    fail("round " + i + ", " + b.length + " bytes: " + t, t);
                }
            }
        });
    }

    @Test
    void idxFilesAreReadOrRefusedWithAnIOException() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(3);
            out.writeInt(4);
            out.writeInt(4);
            out.write(new byte[48]);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(raw.toByteArray());
        }
        Path f = dir.resolve("fuzz-idx3-ubyte");
        SplittableRandom rng = new SplittableRandom(12);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < ROUNDS; i++) {
                byte[] b = mutate(i % 2 == 0 ? raw.toByteArray() : gz.toByteArray(), rng);
                Files.write(f, b);
                try {
                    IdxReader.readImages(f);
                } catch (IOException refused) {
                    // named and explained
                } catch (Throwable t) {
                    fail("round " + i + ": " + t, t);
                }
                try {
                    IdxReader.readLabels(f);
                } catch (IOException refused) {
                    // named and explained
                } catch (Throwable t) {
                    fail("round " + i + " as labels: " + t, t);
                }
            }
        });
    }

    @Test
    void tensorHeadersAreReadOrRefusedWithAnIllegalArgumentException() {
        ByteBuffer good = TensorCodec.encode(TensorCodec.DType.F32, new float[][] {{1, 2, 3}, {}, {4}});
        byte[] bytes = new byte[good.remaining()];
        good.duplicate().get(bytes);
        SplittableRandom rng = new SplittableRandom(13);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 20 * ROUNDS; i++) {
                byte[] b = mutate(bytes, rng);
                try {
                    TensorHeader.read(ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN));
                } catch (IllegalArgumentException refused) {
                    // named and explained
                } catch (Throwable t) {
                    fail("round " + i + ", " + Arrays.toString(b) + ": " + t, t);
                }
            }
        });
    }
}
