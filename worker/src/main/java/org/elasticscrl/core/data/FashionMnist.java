package org.elasticscrl.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, 28x28 gray clothing images, 10 classes) from the idx files of Debian's
 * {@code dataset-fashion-mnist} package: split {@code train} (60,000) or {@code test} (10,000).
 * The split is read once into byte arrays and never changed, so {@link #get} is thread-safe.
 * Items come back as RGB images with three equal channels, the way torchvision's
 * {@code convert("RGB")} widens them.
 */
public final class FashionMnist implements Dataset {
    public static final Path DEFAULT_ROOT = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> SPLITS = List.of("train", "test");
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private final String split;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    /** Items given in memory: {@code labels.length} gray images of {@code rows x cols}. */
    FashionMnist(String split, int rows, int cols, byte[] pixels, byte[] labels) {
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.length
                    + " bytes of " + rows + "x" + cols + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= CLASSES.size()) {
                throw new IllegalArgumentException("label " + (labels[i] & 0xff) + " of item " + i
                        + " is not a Fashion-MNIST class (0.." + (CLASSES.size() - 1) + ")");
            }
        }
        this.split = split;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** Reads split {@code train} or {@code test} from the default root. */
    public static FashionMnist load(String split) {
        return load(DEFAULT_ROOT, split);
    }

    /**
     * Reads split {@code train} or {@code test} from {@code root}, which holds
     * {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-…}
     * (gzipped or not).
     *
     * @throws DataUnavailableException if a file is missing or malformed
     */
    public static FashionMnist load(Path root, String split) {
        if (split == null || !SPLITS.contains(split)) {
            throw new IllegalArgumentException("Fashion-MNIST split '" + split + "'; expected one"
                    + " of " + SPLITS);
        }
        String prefix = split.equals("train") ? "train" : "t10k";
        Path imageFile = find(root, prefix + "-images-idx3-ubyte");
        Path labelFile = find(root, prefix + "-labels-idx1-ubyte");
        try {
            IdxReader.Images images = IdxReader.readImages(imageFile);
            byte[] labels = IdxReader.readLabels(labelFile);
            if (labels.length != images.count()) {
                throw new DataUnavailableException("Fashion-MNIST " + split + ": " + imageFile
                        + " holds " + images.count() + " images but " + labelFile + " holds "
                        + labels.length + " labels; expected one label per image");
            }
            return new FashionMnist(split, images.rows(), images.cols(), images.pixels(), labels);
        } catch (IOException | IllegalArgumentException e) {
            throw new DataUnavailableException("Fashion-MNIST " + split + " cannot be read: "
                    + e.getMessage() + ". Reinstall the Debian package dataset-fashion-mnist"
                    + " (apt-get install --reinstall -y dataset-fashion-mnist) or set"
                    + " --dataset/root=DIR to a directory with intact idx files", e);
        }
    }

    private static Path find(Path root, String name) {
        Path gz = root.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = root.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        String where = Files.isDirectory(root) ? ""
                : " (the directory " + root + " does not exist)";
        throw new DataUnavailableException("Fashion-MNIST file " + gz + " not found" + where
                + ": install the Debian package dataset-fashion-mnist (apt-get install -y"
                + " dataset-fashion-mnist) or set --dataset/root=DIR to a directory holding"
                + " train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
                + " t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
    }

    /** {@code train} or {@code test} (or the name given to in-memory items). */
    public String split() {
        return split;
    }

    @Override
    public String name() {
        return "fashion-mnist/" + split + " (" + size() + ")";
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Sample get(int index) {
        int n = rows * cols;
        int off = offset(index);
        byte[] rgb = new byte[3 * n];
        for (int p = 0; p < n; p++) {
            byte v = pixels[off + p];
            rgb[3 * p] = v;
            rgb[3 * p + 1] = v;
            rgb[3 * p + 2] = v;
        }
        return Sample.of(new Image(cols, rows, rgb), label(index));
    }

    @Override
    public List<String> classes() {
        return CLASSES;
    }

    public int label(int index) {
        return labels[checked(index)] & 0xff;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Gray value 0..255 of pixel {@code (x, y)} of item {@code index}. */
    public int gray(int index, int x, int y) {
        return pixels[offset(index) + y * cols + x] & 0xff;
    }

    /** The shared gray pixels (item {@code i} at {@link #offset}); callers must not write them. */
    byte[] grayPixels() {
        return pixels;
    }

    /** Start of item {@code index} in {@link #grayPixels}. */
    int offset(int index) {
        return checked(index) * rows * cols;
    }

    private int checked(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("item " + index + " of " + name());
        }
        return index;
    }
}
