package org.elasticscrl.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.data.SyntheticChunks;
import org.elasticscrl.core.io.Npy;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported backbone loads into {@code torchvision.models.resnet18()} (Debian's python3-torch
 * and python3-torchvision, installed by .ci/run) and gives the pooled features of the Java
 * forward pass to 1e-4.
 */
class ExportInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void exportedBackboneMatchesTorchvision(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(PYTHON), "this test needs Debian's python3 with python3-torch and"
                + " python3-torchvision (apt-get install -y python3-torch python3-torchvision)");
        ScrlConfig cfg = ConfigLoader.load("scrl_cpu", List.of("--network/width=64", "--network/stem=imagenet",
                "--network/proj_head/input_size=512", "--network/scrl/spatial_scale=0.03125",
                "--network/scrl/min_size=32", "--augment/input_size=64", "--train/batch_size_train=8",
                "--train/chunk_size=8"));
        try (TrainingCore core = TrainingCore.create(cfg, 10); NDManager m = NDManager.newBaseManager()) {
            // a few steps so that weights and running statistics are no longer at their init
            SyntheticChunks data = new SyntheticChunks(0, 96, 128, 64, 10, 0.2);
            for (int s = 0; s < 3; s++) {
                core.step(List.of(data.chunk(0, 8L * s, 8)), new StepHyper(2.0, 0.99, 1e-6));
            }
            Path ckpt = Checkpoints.write(dir, new Checkpoint(core.snapshot(), 1, -1, 0, ConfigLoader.toYaml(cfg)),
                    core.stateLayout());
            Path export = dir.resolve("backbone.safetensors");
            BackboneExport.export(ckpt, export);

            SplittableRandom r = new SplittableRandom(5);
            float[] input = new float[4 * 3 * 64 * 64];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) r.nextGaussian();
            }
            Npy.writeFloat32(dir.resolve("input.npy"), input, 4, 3, 64, 64);
            NDArray pooled = core.networks().inferFeatures(m.create(input, new Shape(4, 3, 64, 64))).get(1);
            float[] java = pooled.toFloatArray();

            Process p = new ProcessBuilder(PYTHON.toString(), script().toString(), export.toString(),
                    dir.resolve("input.npy").toString(), dir.resolve("out.npy").toString(), "resnet18")
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out: " + log);
            assertEquals(0, p.exitValue(), "python failed: " + log);
            assertTrue(log.contains("\"missing\": [\"fc.weight\", \"fc.bias\"]"), log);
            float[] torch = Npy.readFloat32(dir.resolve("out.npy"));
            assertEquals(java.length, torch.length);
            double worst = 0;
            for (int i = 0; i < java.length; i++) {
                worst = Math.max(worst, Math.abs(java[i] - torch[i]));
            }
            assertTrue(worst <= 1e-4, "max abs difference " + worst);
        }
    }

    private static Path script() {
        Path p = Path.of("src/test/python/check_export.py");
        return Files.exists(p) ? p : Path.of("worker/src/test/python/check_export.py");
    }
}
