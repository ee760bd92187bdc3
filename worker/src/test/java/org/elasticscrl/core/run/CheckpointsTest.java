package org.elasticscrl.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.data.SyntheticChunks;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingCore;
import org.elasticscrl.core.train.TrainingState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic checkpoint files, checksums, and refusal of damaged or foreign checkpoints. */
class CheckpointsTest {
    @TempDir
    static Path dir;
    private static TrainingCore core;
    private static Path written;

    @BeforeAll
    static void train() throws Exception {
        var cfg = Fixtures.tiny("scrl");
        core = TrainingCore.create(cfg, 10);
        var data = new SyntheticChunks(0, 96, 128, 32, 10, 0.2);
        core.step(List.of(data.chunk(1, 0, 8)), new StepHyper(0.5, 0.99, 1e-6));
        written = Checkpoints.write(dir, new Checkpoint(core.snapshot(), 3, 0.25, 2, "objective: scrl\n"),
                core.stateLayout());
    }

    @Test
    void roundTripsTheWholeStateAndPointsLastAtIt() throws Exception {
        assertEquals(dir.resolve("checkpoint_3.safetensors"), written);
        assertTrue(Files.isSymbolicLink(dir.resolve(Checkpoints.LAST)));
        Checkpoint c = Checkpoints.read(written, core.stateLayout());
        TrainingState s = core.snapshot();
        assertEquals(3, c.epoch());
        assertEquals(0.25, c.bestScore());
        assertEquals(2, c.bestEpoch());
        assertEquals(1, c.state().step());
        assertArrayEquals(s.online(), c.state().online());
        assertArrayEquals(s.target(), c.state().target());
        assertArrayEquals(s.momentum(), c.state().momentum());
        assertArrayEquals(s.buffers(), c.state().buffers());
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
    }

    @Test
    void aFlippedByteIsDetectedAndNamed() throws Exception {
        Path copy = dir.resolve("flipped.safetensors");
        Files.copy(written, copy);
        long[] range = org.elasticscrl.core.io.SafeTensors.dataRange(copy);
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            long pos = (range[0] + range[1]) / 2;
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x10);
        }
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> Checkpoints.read(copy, core.stateLayout()));
        assertTrue(e.getMessage().contains("flipped.safetensors") && e.getMessage().contains("checksum mismatch")
                && e.getMessage().contains("not loaded"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        Path copy = dir.resolve("truncated.safetensors");
        byte[] all = Files.readAllBytes(written);
        Files.write(copy, java.util.Arrays.copyOf(all, all.length / 2));
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> Checkpoints.read(copy, core.stateLayout()));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3});
        assertThrows(CorruptCheckpointException.class, () -> Checkpoints.read(garbage, core.stateLayout()));
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() throws Exception {
        try (TrainingCore other = TrainingCore.create(Fixtures.tiny("scrl", "network/width=16",
                "network/proj_head/input_size=128"), 10)) {
            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                    () -> Checkpoints.read(written, other.stateLayout()));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
        }
    }

    @Test
    void lastFollowsTheNewestCheckpoint() throws Exception {
        Path again = Checkpoints.write(dir, new Checkpoint(core.snapshot(), 4, 0.3, 4, "x"), core.stateLayout());
        assertEquals("checkpoint_4.safetensors", Files.readSymbolicLink(dir.resolve(Checkpoints.LAST)).toString());
        assertEquals(4, Checkpoints.read(again, core.stateLayout()).epoch());
        assertEquals(3, Checkpoints.read(written, core.stateLayout()).epoch(), "older checkpoints stay");
    }
}
