package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's directory, {@code runs/{config}_{NNN}} by default (the first free number, as in the
 * reference), holding the resolved configuration, checkpoints, metrics and the report.
 */
public final class RunDirectory {
    private final Path path;

    private RunDirectory(Path path) {
        this.path = path;
    }

    /** Creates the next free {@code top/runs/{name}_{NNN}} (safe against concurrent runs). */
    public static RunDirectory createNext(Path top, String configName) throws IOException {
        Path runs = top.resolve("runs");
        Files.createDirectories(runs);
        for (int n = 0; n < 100_000; n++) {
            Path candidate = runs.resolve(String.format("%s_%03d", configName, n));
            try {
                Files.createDirectory(candidate);
                return new RunDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next number
            }
        }
        throw new IOException("no free run directory under " + runs);
    }

    /** Uses (and creates if needed) a given directory. */
    public static RunDirectory at(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new RunDirectory(dir);
    }

    /** The config name for a preset or a YAML path: {@code scrl_cpu}, {@code mine} for {@code a/mine.yaml}. */
    public static String configName(String presetOrFile) {
        String name = Path.of(presetOrFile).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && (name.endsWith(".yaml") || name.endsWith(".yml")) ? name.substring(0, dot) : name;
    }

    public Path path() {
        return path;
    }

    public Path resolve(String file) {
        return path.resolve(file);
    }

    public void writeConfig(String yaml) throws IOException {
        Files.writeString(path.resolve("config.yaml"), yaml);
    }

    public Path lastCheckpoint() {
        return path.resolve(Checkpoints.LAST);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
