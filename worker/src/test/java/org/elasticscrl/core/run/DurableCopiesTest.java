package org.elasticscrl.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.elasticscrl.core.Fixtures;
import org.elasticscrl.core.data.SyntheticChunks;
import org.elasticscrl.core.io.SafeTensors;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingCore;
import org.elasticscrl.core.train.TrainingState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A holder's durable copies: self-describing, pruned only after a newer one is safe, verified on load. */
class DurableCopiesTest {
    private static TrainingCore core;
    private static TrainingState afterStep0;
    private static TrainingState afterStep1;
    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        core = TrainingCore.create(Fixtures.tiny("scrl"), 10);
        var data = new SyntheticChunks(0, 96, 128, 32, 10, 0.2);
        core.step(List.of(data.chunk(1, 0, 8)), new StepHyper(0.5, 0.99, 1e-6));
        afterStep0 = core.snapshot();
        core.step(List.of(data.chunk(1, 1, 8)), new StepHyper(0.5, 0.99, 1e-6));
        afterStep1 = core.snapshot();
    }

    @AfterAll
    static void close() {
        core.close();
    }

    private DurableCopies.Written write(long step, TrainingState s, int kept) throws IOException {
        return DurableCopies.write(dir, step, s, core.stateLayout(), "objective: scrl\n",
                "{\"committed_step\":" + step + "}", kept);
    }

    @Test
    void aCopyRecordsTheRunStateAndItsChecksum() throws IOException {
        var w = write(0, afterStep0, 2);
        assertEquals(dir.resolve("step_0.safetensors"), w.file());
        assertEquals(Files.size(w.file()), w.bytes());
        var meta = Checkpoints.verified(w.file()).metadata();
        assertEquals("{\"committed_step\":0}", meta.get("run_state"));
        assertEquals(Long.toHexString(w.crc32c()), meta.get("crc32c"));
        var loaded = DurableCopies.read(List.of(w.file().toString()), 0, core.stateLayout());
        assertArrayEquals(afterStep0.online(), loaded.state().online());
        assertArrayEquals(afterStep0.target(), loaded.state().target());
        assertArrayEquals(afterStep0.momentum(), loaded.state().momentum());
        assertArrayEquals(afterStep0.buffers(), loaded.state().buffers());
    }

    @Test
    void keepsTheNewestCopiesAndNoTemporaries() throws IOException {
        Files.writeString(dir.resolve(".step_9.safetensors.tmp"), "a crash left this");
        write(0, afterStep0, 1);
        write(1, afterStep1, 1);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("step_1.safetensors"), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".tmp")).sorted().toList());
        }
    }

    @Test
    void refusesAStateOfAnotherStep() {
        var e = assertThrows(IllegalStateException.class, () -> write(5, afterStep1, 2));
        assertTrue(e.getMessage().contains("not the 6 of a copy after step 5"), e.getMessage());
    }

    @Test
    void loadsTheFirstCopyThatVerifiesAndNamesEveryRefusal() throws IOException {
        Path damaged = dir.resolve("a");
        Path good = dir.resolve("b");
        Files.createDirectories(damaged);
        var first = DurableCopies.write(damaged, 1, afterStep1, core.stateLayout(), "", "{}", 2).file();
        var second = DurableCopies.write(good, 1, afterStep1, core.stateLayout(), "", "{}", 2).file();
        long[] range = SafeTensors.dataRange(first);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(range[0] + 17);
            int b = f.read();
            f.seek(range[0] + 17);
            f.write(b ^ 0x40);
        }
        String absent = dir.resolve("elsewhere/step_1.safetensors").toString();
        var loaded = DurableCopies.read(List.of(absent, first.toString(), second.toString()), 1, core.stateLayout());
        assertEquals(second, loaded.file());
        assertArrayEquals(afterStep1.online(), loaded.state().online());

        var e = assertThrows(IOException.class,
                () -> DurableCopies.read(List.of(absent, first.toString()), 1, core.stateLayout()));
        assertTrue(e.getMessage().contains(absent + ": not on this node"), e.getMessage());
        assertTrue(e.getMessage().contains(first + ": checkpoint " + first + " is corrupt: checksum mismatch"),
                e.getMessage());
        var wrongStep = assertThrows(IOException.class,
                () -> DurableCopies.read(List.of(second.toString()), 0, core.stateLayout()));
        assertTrue(wrongStep.getMessage().contains("holds 2 commits, expected 1"), wrongStep.getMessage());
    }

    @Test
    void theNextCopyRemovesTheTemporaryAKilledWriteLeft(@TempDir Path copies) throws IOException {
        Path left = Files.writeString(copies.resolve(".step_5.safetensors.tmp"), "killed mid-write");
        Path kept = Files.writeString(copies.resolve("step_4.safetensors"), "a copy");
        DurableCopies.prune(copies, 2);
        assertTrue(!Files.exists(left), "a killed write's temporary is removed");
        assertTrue(Files.exists(kept));
    }
}
