package org.elasticscrl.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code scrl train} end to end on a few fashion-scenes: run directory contents, resume after an
 * interruption (same step count and bit-identical state as the uninterrupted run, for SCRL and
 * the two objectives with other state or loss), refusal of a corrupt checkpoint, and evaluation
 * only.
 */
class TrainerTest {
    private static ScrlConfig cfg(Path saveDir, String... extra) {
        return cfg("scrl", saveDir, extra);
    }

    private static ScrlConfig cfg(String objective, Path saveDir, String... extra) {
        String[] base = {"dataset/train_size=48", "dataset/eval_size=24", "train/max_epochs=3",
            "train/warmup_epochs=1", "train/snapshot_interval=1", "train/num_workers=2", "eval/enabled=false",
            "save_dir=" + saveDir};
        return Fixtures.tiny(objective, Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    /** byol_lc adds the local branch (online, target, momentum, BatchNorm statistics) to the state. */
    @ParameterizedTest
    @ValueSource(strings = {"scrl", "byol_lc", "triplet"})
    void interruptedRunResumesFromItsLastCheckpointIdentically(String objective, @TempDir Path top) throws Exception {
        Path full = top.resolve("full");
        TrainResult a = new Trainer(cfg(objective, full), RunDirectory.at(full), TrainListener.SILENT).run();
        assertEquals(3, a.epochs());
        assertEquals(18, a.steps()); // 48 scenes / 8 per step x 3 epochs
        for (String f : List.of("config.yaml", "checkpoint_1.safetensors", "checkpoint_3.safetensors",
                "metrics.csv", "epochs.csv", "results.csv", "results.json", "curves.png")) {
            assertTrue(Files.exists(full.resolve(f)), f);
        }

        // the same run killed during epoch 3: its newest checkpoint is epoch 2
        Path cut = top.resolve("cut");
        Files.createDirectories(cut);
        for (String f : List.of("checkpoint_1.safetensors", "checkpoint_2.safetensors")) {
            Files.copy(full.resolve(f), cut.resolve(f));
        }
        Files.createSymbolicLink(cut.resolve(Checkpoints.LAST), Path.of("checkpoint_2.safetensors"));
        TrainResult b = new Trainer(cfg(objective, cut), RunDirectory.at(cut), TrainListener.SILENT).run();
        assertEquals(3, b.epochs());
        assertEquals(a.steps(), b.steps());
        assertEquals(crc(full.resolve("checkpoint_3.safetensors")), crc(cut.resolve("checkpoint_3.safetensors")),
                "resumed run ends in the same state");
    }

    @Test
    void aCorruptLastCheckpointStopsTheRunWithAClearError(@TempDir Path top) throws Exception {
        Path run = top.resolve("run");
        new Trainer(cfg(run, "train/max_epochs=1", "train/warmup_epochs=0"), RunDirectory.at(run),
                TrainListener.SILENT).run();
        Path ckpt = run.resolve("checkpoint_1.safetensors");
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length - 3] ^= 0x40;
        Path tmp = run.resolve("damaged");
        Files.write(tmp, bytes);
        Files.move(tmp, ckpt, StandardCopyOption.REPLACE_EXISTING);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> new Trainer(cfg(run), RunDirectory.at(run), TrainListener.SILENT).run());
        assertTrue(e.getMessage().contains("checkpoint_last") || e.getMessage().contains("checkpoint_1"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void evaluationOnlyLoadsTheRunAndEvaluates(@TempDir Path top) throws Exception {
        Path run = top.resolve("run");
        new Trainer(cfg(run, "train/max_epochs=1", "train/warmup_epochs=0"), RunDirectory.at(run),
                TrainListener.SILENT).run();
        Path evalDir = top.resolve("eval");
        TrainResult r = new Trainer(cfg(evalDir, "train/enabled=false", "load_dir=" + run, "eval/enabled=true",
                "eval/train_size=40", "eval/test_size=20", "eval/max_epochs=2"), RunDirectory.at(evalDir),
                TrainListener.SILENT).run();
        assertEquals(6, r.steps(), "the loaded state's step count");
        assertTrue(r.globalLinear() != null && r.roiLinear() != null);
        assertTrue(r.roiLinear().testRows() > 20, "every box of the test scenes: " + r.roiLinear().testRows());
        assertThrows(java.io.IOException.class, () -> new Trainer(cfg(top.resolve("x"), "load_dir=" + top.resolve("none")),
                RunDirectory.at(top.resolve("x")), TrainListener.SILENT).run());
    }

    private static long crc(Path file) throws Exception {
        return Long.parseLong(SafeTensors.read(file).metadata().get("crc32c"), 16);
    }
}
