package org.elasticscrl.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The image files under a directory (recursively, sorted by relative path), unlabelled, with
 * optional boxes per file: the input of {@code scrl features}.
 */
public final class ImageList implements Dataset {
    private final Path root;
    private final List<Path> files;
    private final Map<String, List<LabeledBox>> boxes;

    private ImageList(Path root, List<Path> files, Map<String, List<LabeledBox>> boxes) {
        this.root = root;
        this.files = files;
        this.boxes = boxes;
    }

    /**
     * @param boxes boxes by relative path (as {@link #relative} prints it); files without an entry
     *     have none
     */
    public static ImageList scan(Path root, Map<String, List<LabeledBox>> boxes) {
        if (!Files.isDirectory(root)) {
            throw new DataUnavailableException("image directory " + root + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> files = walk.filter(Files::isRegularFile).filter(ImageList::isImage).sorted().toList();
            if (files.isEmpty()) {
                throw new DataUnavailableException("no .jpg, .jpeg or .png files under " + root);
            }
            ImageList list = new ImageList(root, files, boxes);
            for (String name : boxes.keySet()) {
                if (files.stream().noneMatch(f -> list.relative(f).equals(name))) {
                    throw new DataUnavailableException("boxes are given for " + name + ", which is not an image under "
                            + root + " (keys are paths relative to it)");
                }
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** A file's path relative to the root, with forward slashes. */
    public String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    public String relative(int index) {
        return relative(files.get(index));
    }

    @Override
    public String name() {
        return root + " (" + files.size() + " images)";
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public Sample get(int index) {
        Path f = files.get(index);
        return new Sample(ImageDecoder.decode(f), -1, boxes.getOrDefault(relative(f), List.of()));
    }

    @Override
    public List<String> classes() {
        return List.of();
    }
}
