package org.elasticscrl.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in the ImageNet / torchvision ImageFolder layout {@code root/<split>/<class>/*.jpg}:
 * classes are the sorted sub-directory names of the split (hidden ones, starting with a dot, are
 * left out), the index runs class by class over the files sorted by relative path (nested
 * folders included), and files ending in {@code .jpg}, {@code .jpeg} or {@code .png} (any case)
 * count; a class directory without images keeps its label. Files are decoded on demand by
 * {@link ImageDecoder}; the index keeps the relative paths in one UTF-8 byte array, so an
 * ImageNet-sized split costs tens of MB, not a {@code Path} each.
 */
public final class ImageFolder implements Dataset {
    public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png");
    private static final String LAYOUT = "ROOT/{train,val}/<class>/*.{jpg,jpeg,png}";

    private final Path dir;
    private final String split;
    private final List<String> classes;
    private final int[] labels;
    private final byte[] names;
    private final int[] nameStart;

    private ImageFolder(Path dir, String split, List<String> classes, int[] labels, byte[] names,
            int[] nameStart) {
        this.dir = dir;
        this.split = split;
        this.classes = List.copyOf(classes);
        this.labels = labels;
        this.names = names;
        this.nameStart = nameStart;
    }

    /**
     * Indexes {@code root/split} (split e.g. {@code train} or {@code val}).
     *
     * @throws DataUnavailableException if the root or split directory is missing or holds no
     *     images
     */
    public static ImageFolder open(Path root, String split) {
        if (!Files.isDirectory(root)) {
            throw new DataUnavailableException("image folder root " + root + " is not a"
                    + " directory; expected the ImageNet layout " + LAYOUT + ", set with"
                    + " --dataset/root=ROOT");
        }
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new DataUnavailableException("image folder split directory " + dir + " not"
                    + " found (" + root + " holds " + subdirectories(root) + "); expected the"
                    + " ImageNet layout " + LAYOUT);
        }
        List<String> classes = subdirectories(dir);
        List<Integer> labels = new ArrayList<>();
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        List<Integer> starts = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (String file : imageFiles(dir, classes.get(c))) {
                starts.add(names.size());
                names.writeBytes(file.getBytes(StandardCharsets.UTF_8));
                labels.add(c);
            }
        }
        if (labels.isEmpty()) {
            throw new DataUnavailableException("image folder " + dir + " holds no images ("
                    + classes.size() + " class directories: " + abbreviate(classes) + ");"
                    + " expected the ImageNet layout " + LAYOUT);
        }
        starts.add(names.size());
        return new ImageFolder(dir, split, classes,
                labels.stream().mapToInt(Integer::intValue).toArray(), names.toByteArray(),
                starts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Sorted names of the non-hidden sub-directories of {@code dir}. */
    private static List<String> subdirectories(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataUnavailableException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Image files under class directory {@code cls}, as sorted paths relative to {@code dir}. */
    private static List<String> imageFiles(Path dir, String cls) {
        Path classDir = dir.resolve(cls);
        try (Stream<Path> files = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(p -> isImageName(p.getFileName().toString()))
                    .filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataUnavailableException("cannot list " + classDir + ": " + e.getMessage(),
                    e);
        }
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString()
                : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    @Override
    public String name() {
        return "image-folder " + dir + " (" + size() + ")";
    }

    /** The split directory's name, e.g. {@code train}. */
    public String split() {
        return split;
    }

    @Override
    public int size() {
        return labels.length;
    }

    /**
     * Decodes item {@code index}.
     *
     * @throws UnreadableSampleException naming the file if it is corrupt, truncated or unreadable
     */
    @Override
    public Sample get(int index) {
        return Sample.of(ImageDecoder.decode(file(index)), labels[index]);
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    public int label(int index) {
        return labels[index];
    }

    /** The file of item {@code index}. */
    public Path file(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("item " + index + " of " + name());
        }
        int start = nameStart[index];
        return dir.resolve(new String(names, start, nameStart[index + 1] - start,
                StandardCharsets.UTF_8));
    }
}
