package org.elasticscrl.core.augment;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.config.AugmentConfig;
import org.elasticscrl.plan.Rng;
import org.elasticscrl.core.data.Image;

/**
 * Two-view {@code simclr} augmentation, Java against the reference torchvision/PIL pipeline
 * ({@code deploy/bench/pil_augment.py}) on the same images, single thread each, rounds interleaved
 * (Java, Python, Java, ...) after one unmeasured warm-up round each; medians reported. Printed,
 * never asserted. Workloads: ImageNet-like 500x375 images to 224-px views, and 64x64 scenes to
 * 64-px views. The Python side is skipped, with a line saying why, when {@code /usr/bin/python3}
 * (or {@code -Dscrl.bench.python}) cannot run the script with torch and torchvision.
 */
public final class AugmentBenchmark {
    private static final long SEED = 20210522L;
    private static final String SCRIPT = "deploy/bench/pil_augment.py";

    private AugmentBenchmark() {}

    /** {@code java ... AugmentBenchmark [images] [rounds]}. */
    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        run(images, rounds).forEach(System.out::println);
    }

    /** Runs both workloads with {@code images} images each and {@code rounds} measured rounds. */
    public static List<String> run(int images, int rounds) {
        if (images < 1 || rounds < 1) {
            throw new IllegalArgumentException("need at least one image and one round, got " + images + ", " + rounds);
        }
        List<String> out = new ArrayList<>();
        out.add(String.format("augment bench: simclr two views, %d images, %d rounds (+1 warm-up), 1 thread each,"
                + " %d cores on this machine", images, rounds, Runtime.getRuntime().availableProcessors()));
        workload("ImageNet-like 500x375 -> 224 px", 500, 375, 224, images, rounds, out);
        workload("scenes 64x64 -> 64 px", 64, 64, 64, images, rounds, out);
        return out;
    }

    private static void workload(String name, int width, int height, int size, int count, int rounds,
            List<String> out) {
        List<Image> images = images(count, width, height);
        TwoViewAugmentation aug = TwoViewAugmentation.of(new AugmentConfig("simclr", size, Arrays.asList(0.2, 1.0), "random_resized_crop"));
        float[] dst = new float[2 * 3 * size * size];
        double[] java = new double[rounds];
        double[] python = new double[rounds];
        String pythonNote;
        try (PythonSide py = PythonSide.start(images, size)) {
            pythonNote = py.note;
            for (int r = -1; r < rounds; r++) {
                double j = timeJava(aug, images, r + 1, dst);
                double p = py.available() ? py.round() : Double.NaN;
                if (r >= 0) {
                    java[r] = j;
                    python[r] = p;
                }
            }
        }
        double javaRate = count / median(java);
        out.add(String.format("%s: java   %8.1f images/s per core (median %.3f s per round)", name, javaRate, median(java)));
        if (Double.isNaN(python[0])) {
            out.add(String.format("%s: python skipped: %s", name, pythonNote));
            return;
        }
        double pythonRate = count / median(python);
        out.add(String.format("%s: python %8.1f images/s per core (median %.3f s per round; %s)",
                name, pythonRate, median(python), pythonNote));
        out.add(String.format("%s: java / python = %.2fx", name, javaRate / pythonRate));
    }

    /** One pass: both views of every image, each view keyed as training keys it. */
    private static double timeJava(TwoViewAugmentation aug, List<Image> images, int epoch, float[] dst) {
        int viewSize = 3 * aug.size() * aug.size();
        long t0 = System.nanoTime();
        for (int i = 0; i < images.size(); i++) {
            for (int v = 0; v < 2; v++) {
                aug.render(images.get(i), v, Rng.of(SEED, epoch, i, v), dst, v * viewSize);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Smooth random colour fields with grain: a coarse grid, bilinearly enlarged, plus noise. */
    static List<Image> images(int count, int width, int height) {
        List<Image> list = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            SplittableRandom rng = new SplittableRandom(SEED + n);
            int gw = 9;
            int gh = 7;
            int[] grid = new int[3 * gw * gh];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = rng.nextInt(256);
            }
            byte[] rgb = new byte[3 * width * height];
            for (int y = 0; y < height; y++) {
                double gy = (double) y * (gh - 1) / Math.max(1, height - 1);
                int y0 = Math.min((int) gy, gh - 2);
                double fy = gy - y0;
                for (int x = 0; x < width; x++) {
                    double gx = (double) x * (gw - 1) / Math.max(1, width - 1);
                    int x0 = Math.min((int) gx, gw - 2);
                    double fx = gx - x0;
                    for (int c = 0; c < 3; c++) {
                        double top = grid[3 * (y0 * gw + x0) + c] * (1 - fx) + grid[3 * (y0 * gw + x0 + 1) + c] * fx;
                        double bottom = grid[3 * ((y0 + 1) * gw + x0) + c] * (1 - fx)
                                + grid[3 * ((y0 + 1) * gw + x0 + 1) + c] * fx;
                        int v = (int) Math.round(top * (1 - fy) + bottom * fy) + rng.nextInt(-12, 13);
                        rgb[3 * (y * width + x) + c] = (byte) Math.max(0, Math.min(255, v));
                    }
                }
            }
            list.add(new Image(width, height, rgb));
        }
        return list;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The Python process: loads the images once, then times one pass per "run" line. */
    private static final class PythonSide implements AutoCloseable {
        private final Process process;
        private final BufferedReader reader;
        private final BufferedWriter writer;
        private final List<Path> files;
        final String note;

        private PythonSide(Process process, List<Path> files, String note) {
            this.process = process;
            this.files = files;
            this.note = note;
            this.reader = process == null ? null
                    : new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.writer = process == null ? null
                    : new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        private static PythonSide unavailable(String why, List<Path> files) {
            files.forEach(PythonSide::deleteQuietly);
            return new PythonSide(null, List.of(), why);
        }

        static PythonSide start(List<Image> images, int size) {
            String python = System.getProperty("scrl.bench.python", "/usr/bin/python3");
            Path script = findScript();
            if (script == null) {
                return unavailable(SCRIPT + " not found above " + Path.of("").toAbsolutePath()
                        + " (set -Dscrl.bench.script)", List.of());
            }
            if (!Files.isExecutable(Path.of(python))) {
                return unavailable(python + " not found (set -Dscrl.bench.python)", List.of());
            }
            List<Path> files = new ArrayList<>();
            try {
                files.add(write(images));
                files.add(Files.createTempFile("scrl-augment-bench", ".log"));
                Process p = new ProcessBuilder(python, script.toString(), "--images", files.get(0).toString(),
                        "--size", Integer.toString(size))
                        .redirectError(files.get(1).toFile()).start();
                PythonSide side = new PythonSide(p, files, null);
                String ready = side.reader.readLine();
                if (ready == null || !ready.startsWith("ready ")) {
                    p.waitFor(30, TimeUnit.SECONDS);
                    String why = lastLine(files.get(1));
                    side.close();
                    return unavailable(python + " could not run " + script + ": " + why, files);
                }
                return new PythonSide(p, files, ready.substring(6));
            } catch (IOException e) {
                return unavailable("could not start " + python + ": " + e.getMessage(), files);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unavailable("interrupted while starting " + python, files);
            }
        }

        boolean available() {
            return process != null;
        }

        double round() {
            try {
                writer.write("run\n");
                writer.flush();
                String line = reader.readLine();
                if (line == null || !line.startsWith("seconds ")) {
                    throw new IllegalStateException(SCRIPT + " stopped (" + line + "): " + lastLine(files.get(1)));
                }
                return Double.parseDouble(line.substring(8));
            } catch (IOException e) {
                throw new UncheckedIOException("lost the " + SCRIPT + " process: " + lastLine(files.get(1)), e);
            }
        }

        @Override
        public void close() {
            if (process != null) {
                try {
                    writer.close(); // EOF on stdin ends the script's loop
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroy();
                    }
                } catch (IOException e) {
                    process.destroy();
                } catch (InterruptedException e) {
                    process.destroy();
                    Thread.currentThread().interrupt();
                }
            }
            files.forEach(PythonSide::deleteQuietly);
        }

        private static String lastLine(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (!lines.get(i).isBlank()) {
                        return lines.get(i).trim();
                    }
                }
                return "no message on stderr";
            } catch (IOException e) {
                return "stderr unreadable: " + e.getMessage();
            }
        }

        private static Path findScript() {
            String explicit = System.getProperty("scrl.bench.script");
            if (explicit != null) {
                return Files.isRegularFile(Path.of(explicit)) ? Path.of(explicit) : null;
            }
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(SCRIPT);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        /** The images file pil_augment.py reads: int32 count, width, height, then the pixels. */
        private static Path write(List<Image> images) throws IOException {
            Path file = Files.createTempFile("scrl-augment-bench", ".rgb");
            Image first = images.get(0);
            try (OutputStream out = Files.newOutputStream(file)) {
                ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                header.putInt(images.size()).putInt(first.width()).putInt(first.height());
                out.write(header.array());
                for (Image im : images) {
                    out.write(im.rgb());
                }
            }
            return file;
        }

        private static void deleteQuietly(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
