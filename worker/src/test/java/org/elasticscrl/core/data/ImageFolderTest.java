package org.elasticscrl.core.data;

import static org.elasticscrl.core.data.IdxReaderTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ImageNet-layout tree written here: good PNG/JPEG files of several colour models, bad ones. */
class ImageFolderTest {
    @TempDir
    Path root;

    private BufferedImage rgb;
    private BufferedImage gray;
    private BufferedImage rgba;
    private BufferedImage palette;

    @BeforeEach
    void writeTree() throws IOException {
        Random r = new Random(5);
        rgb = new BufferedImage(12, 9, BufferedImage.TYPE_INT_RGB);
        gray = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
        rgba = new BufferedImage(6, 6, BufferedImage.TYPE_INT_ARGB);
        palette = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 3, new byte[] {(byte) 255, 0, 10},
                        new byte[] {0, (byte) 255, 20}, new byte[] {0, 0, (byte) 230}));
        fill(rgb, r);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                gray.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        fill(rgba, r);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                palette.getRaster().setSample(x, y, 0, (x + y) % 3);
            }
        }
        Path cat = Files.createDirectories(root.resolve("train/cat"));
        Path dog = Files.createDirectories(root.resolve("train/dog/puppies"));
        Files.createDirectories(root.resolve("train/.cache"));
        Files.createDirectories(root.resolve("train/empty"));
        ImageIO.write(rgb, "png", cat.resolve("a.png").toFile());
        ImageIO.write(smooth(), "jpg", cat.resolve("b.JPG").toFile());
        ImageIO.write(gray, "png", cat.resolve("c-gray.png").toFile());
        ImageIO.write(gray, "jpg", cat.resolve("d-gray.Jpeg").toFile());
        ImageIO.write(rgba, "png", cat.resolve("e-rgba.PNG").toFile());
        Files.writeString(cat.resolve("notes.txt"), "not an image");
        Files.writeString(cat.resolve(".hidden.png"), "editor backup");
        ImageIO.write(palette, "png", dog.getParent().resolve("a-palette.png").toFile());
        byte[] junk = new byte[2048];
        r.nextBytes(junk);
        Files.write(dog.getParent().resolve("b-corrupt.jpg"), junk);
        byte[] png = encode(rgb, "png");
        Files.write(dog.getParent().resolve("c-truncated.png"), Arrays.copyOf(png, png.length / 2));
        byte[] jpg = encode(smooth(), "jpg");
        Files.write(dog.getParent().resolve("d-truncated.jpg"),
                Arrays.copyOf(jpg, jpg.length - 40));
        ImageIO.write(rgb, "png", dog.resolve("nested.png").toFile());
        Path val = Files.createDirectories(root.resolve("val/dog"));
        ImageIO.write(rgb, "png", val.resolve("v.png").toFile());
    }

    @Test
    void indexesClassesAndFilesInSortedOrder() {
        ImageFolder train = ImageFolder.open(root, "train");
        assertEquals(List.of("cat", "dog", "empty"), train.classes());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            files.add(root.resolve("train").relativize(train.file(i)) + ":" + train.label(i));
        }
        assertEquals(List.of("cat/a.png:0", "cat/b.JPG:0", "cat/c-gray.png:0",
                "cat/d-gray.Jpeg:0", "cat/e-rgba.PNG:0", "dog/a-palette.png:1",
                "dog/b-corrupt.jpg:1", "dog/c-truncated.png:1", "dog/d-truncated.jpg:1",
                "dog/puppies/nested.png:1"), files);
        ImageFolder val = ImageFolder.open(root, "val");
        assertEquals(List.of("dog"), val.classes());
        assertEquals(1, val.size());
        assertEquals("val", val.split());
    }

    @Test
    void goodFilesDecodeToTheirPixels() {
        ImageFolder train = ImageFolder.open(root, "train");
        assertPixels(rgb, train.get(0).image(), 0);
        assertEquals(0, train.get(0).label());
        assertPixels(gray, train.get(2).image(), 0);
        assertPixels(rgba, train.get(4).image(), 0);
        assertPixels(palette, train.get(5).image(), 0);
        assertEquals(1, train.get(5).label());
        assertPixels(rgb, train.get(9).image(), 0);
        // lossy JPEG: close to the original, gray stays gray
        assertPixels(smooth(), train.get(1).image(), 12);
        Image grayJpeg = train.get(3).image();
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(grayJpeg.get(x, y, 0), grayJpeg.get(x, y, 2));
            }
        }
    }

    @Test
    void midGreyIsNotColourManaged() {
        // java's gray colour space is linear: getRGB would turn 100 into about 170
        BufferedImage mid = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        mid.getRaster().setSample(0, 0, 0, 100);
        Image image = ImageDecoder.toRgb(mid);
        assertEquals(100, image.get(0, 0, 0));
        assertEquals(100, image.get(0, 0, 1));
    }

    @Test
    void hugeImagesAreRefusedBeforeDecoding() throws IOException {
        // a PNG header announcing 9000x9000 pixels and no data: refused from the header alone
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(png);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeBytes("IHDR");
        h.writeInt(9000);
        h.writeInt(9000);
        h.write(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(ihdr.toByteArray());
        out.writeInt(13);
        out.write(ihdr.toByteArray());
        out.writeInt((int) crc.getValue());
        Path file = root.resolve("huge.png");
        Files.write(file, png.toByteArray());
        UnreadableSampleException e =
                assertThrows(UnreadableSampleException.class, () -> ImageDecoder.decode(file));
        assertMentions(e, file.toString(), "9000x9000", "more than the " + ImageDecoder.MAX_PIXELS);
    }

    @Test
    void badFilesThrowUnreadableNamingTheFile() {
        ImageFolder train = ImageFolder.open(root, "train");
        for (int i = 6; i <= 8; i++) {
            int index = i;
            UnreadableSampleException e =
                    assertThrows(UnreadableSampleException.class, () -> train.get(index));
            assertEquals(train.file(i).toString(), e.source());
            assertMentions(e, train.file(i).toString());
        }
        // the reasons, not just the file names (which say "corrupt" and "truncated" too)
        assertTrue(reason(train, 6).contains("not an image"), reason(train, 6));
        assertTrue(reason(train, 7).contains("Error reading PNG"), reason(train, 7));
        // a JPEG cut inside its scan data still decodes in ImageIO (grey below the cut); only
        // the decoder's warning tells
        assertTrue(reason(train, 8).contains("truncated (JPEG decoder: Truncated File"),
                reason(train, 8));
    }

    private static String reason(ImageFolder data, int index) {
        UnreadableSampleException e =
                assertThrows(UnreadableSampleException.class, () -> data.get(index));
        return e.getMessage().substring(e.source().length());
    }

    @Test
    void aFileDeletedAfterIndexingIsUnreadable() throws IOException {
        ImageFolder train = ImageFolder.open(root, "train");
        Files.delete(train.file(0));
        UnreadableSampleException e =
                assertThrows(UnreadableSampleException.class, () -> train.get(0));
        assertEquals(train.file(0).toString(), e.source());
    }

    @Test
    void missingRootOrSplitOrImagesIsUnavailable() throws IOException {
        Path nowhere = root.resolve("nowhere");
        assertMentions(assertThrows(DataUnavailableException.class,
                () -> ImageFolder.open(nowhere, "train")), nowhere.toString(), "{train,val}",
                "--dataset/root");
        assertMentions(assertThrows(DataUnavailableException.class,
                () -> ImageFolder.open(root, "test")), root.resolve("test").toString(),
                "[train, val]", "{train,val}");
        Files.createDirectories(root.resolve("bare/val/cls"));
        Files.writeString(root.resolve("bare/val/cls/readme.txt"), "no images");
        assertMentions(assertThrows(DataUnavailableException.class,
                () -> ImageFolder.open(root.resolve("bare"), "val")), "holds no images", "[cls]");
    }

    @Test
    void extensionsAreMatchedWithoutCase() {
        assertTrue(ImageFolder.isImageName("x.JPEG"));
        assertTrue(ImageFolder.isImageName("x.Png"));
        assertTrue(!ImageFolder.isImageName("x.gif") && !ImageFolder.isImageName("jpg")
                && !ImageFolder.isImageName(".x.jpg"));
    }

    private static void fill(BufferedImage image, Random r) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
    }

    /** A smooth picture, so JPEG keeps it within a few levels. */
    private static BufferedImage smooth() {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, (40 + 6 * x) << 16 | (30 + 8 * y) << 8 | 128);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** Same size, and each channel within {@code tolerance} of the original's stored values. */
    private static void assertPixels(BufferedImage expected, Image actual, int tolerance) {
        assertEquals(expected.getWidth(), actual.width());
        assertEquals(expected.getHeight(), actual.height());
        boolean grayRaster = expected.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                int argb = expected.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int want = grayRaster ? expected.getRaster().getSample(x, y, 0)
                            : argb >> (16 - 8 * c) & 0xff;
                    assertEquals(want, actual.get(x, y, c), tolerance,
                            "pixel (" + x + ", " + y + ") channel " + c);
                }
            }
        }
    }
}
