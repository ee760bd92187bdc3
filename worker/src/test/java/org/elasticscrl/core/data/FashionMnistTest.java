package org.elasticscrl.core.data;

import static org.elasticscrl.core.data.IdxReaderTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path tmp;

    @Test
    void splitsHaveTheirSizesAndClasses() {
        FashionMnist train = FashionData.train();
        FashionMnist test = FashionData.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals("fashion-mnist/train (60000)", train.name());
        assertEquals(10, train.numClasses());
        assertEquals("T-shirt/top", train.classes().get(0));
        assertEquals("Ankle boot", train.classes().get(9));
        assertEquals(9, train.label(0));
        assertEquals(9, test.label(0));
        assertEquals(2, test.label(1));
    }

    @Test
    void itemsAreGrayRgbImagesOfTheRawPixels() {
        FashionMnist train = FashionData.train();
        Sample s = train.get(0);
        assertEquals(9, s.label());
        assertTrue(s.boxes().isEmpty());
        assertEquals(28, s.image().width());
        assertEquals(28, s.image().height());
        long sum = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = s.image().get(x, y, 0);
                assertEquals(v, s.image().get(x, y, 1));
                assertEquals(v, s.image().get(x, y, 2));
                assertEquals(train.gray(0, x, y), v);
                sum += v;
            }
        }
        assertEquals(76_247, sum);
        assertEquals(237, s.image().get(12, 14, 1));
    }

    @Test
    void getIsSafeFromManyThreads() {
        FashionMnist test = FashionData.test();
        long sequential = IntStream.range(0, test.size()).mapToLong(i -> checksum(test.get(i)))
                .sum();
        long parallel = IntStream.range(0, test.size()).parallel()
                .mapToLong(i -> checksum(test.get(i))).sum();
        assertEquals(sequential, parallel);
    }

    @Test
    void missingRootSaysWhatToInstallOrSet() {
        Path missing = tmp.resolve("nowhere");
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> FashionMnist.load(missing, "train"));
        assertMentions(e, "dataset-fashion-mnist", "apt-get install -y dataset-fashion-mnist",
                "--dataset/root", missing.resolve("train-images-idx3-ubyte.gz").toString(),
                "does not exist");
    }

    @Test
    void missingLabelFileIsNamed() throws IOException {
        Files.copy(FashionMnist.DEFAULT_ROOT.resolve("t10k-images-idx3-ubyte.gz"),
                tmp.resolve("t10k-images-idx3-ubyte.gz"));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> FashionMnist.load(tmp, "test"));
        assertMentions(e, tmp.resolve("t10k-labels-idx1-ubyte.gz").toString(),
                "dataset-fashion-mnist", "--dataset/root");
    }

    @Test
    void mismatchedFilesAreReportedAsUnavailable() throws IOException {
        Files.copy(FashionMnist.DEFAULT_ROOT.resolve("t10k-images-idx3-ubyte.gz"),
                tmp.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(FashionMnist.DEFAULT_ROOT.resolve("train-labels-idx1-ubyte.gz"),
                tmp.resolve("t10k-labels-idx1-ubyte.gz"));
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> FashionMnist.load(tmp, "test"));
        assertMentions(e, "10000 images", "60000 labels");
    }

    @Test
    void unknownSplitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.load(tmp, "val"));
        assertMentions(e, "'val'", "[train, test]");
    }

    private static long checksum(Sample s) {
        long h = s.label();
        for (byte b : s.image().rgb()) {
            h = 31 * h + b;
        }
        return h;
    }
}
