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

    private DurableCopies.Written write(long step, TrainingState s, Long... keep) throws IOException {
        return DurableCopies.write(dir, step, s, core.stateLayout(), "objective: scrl\n",
                "{\"run_id\":\"run_a\",\"committed_step\":" + step + "}", List.of(keep));
    }

    /** What the manifest would record of a copy just written. */
    private static DurableCopies.Expected expected(DurableCopies.Written w) {
        return new DurableCopies.Expected(w.file().toString(), Long.toHexString(w.crc32c()), w.bytes());
    }

    private static List<DurableCopies.Expected> expected(Path file) throws IOException {
        String crc = Checkpoints.verified(file).metadata().get("crc32c");
        return List.of(new DurableCopies.Expected(file.toString(), crc, Files.size(file)));
    }

    private List<String> copies() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).sorted().toList();
        }
    }

    @Test
    void aCopyRecordsTheRunStateAndItsChecksum() throws IOException {
        var w = write(0, afterStep0);
        assertEquals(dir.resolve("step_0.safetensors"), w.file());
        assertEquals(Files.size(w.file()), w.bytes());
        var meta = Checkpoints.verified(w.file()).metadata();
        assertEquals("{\"run_id\":\"run_a\",\"committed_step\":0}", meta.get("run_state"));
        assertEquals(Long.toHexString(w.crc32c()), meta.get("crc32c"));
        var loaded = DurableCopies.read(List.of(expected(w)), "run_a", 0, core.stateLayout());
        assertArrayEquals(afterStep0.online(), loaded.state().online());
        assertArrayEquals(afterStep0.target(), loaded.state().target());
        assertArrayEquals(afterStep0.momentum(), loaded.state().momentum());
        assertArrayEquals(afterStep0.buffers(), loaded.state().buffers());
    }

    @Test
    void deletesTheOlderCopiesTheCoordinatorDoesNotKeepAndNoTemporaries() throws IOException {
        Files.writeString(dir.resolve(".step_9.safetensors.tmp"), "a crash left this");
        write(0, afterStep0);
        write(1, afterStep1);
        assertEquals(List.of("step_1.safetensors"), copies());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    /**
     * A full disk: the leftover of a killed write is removed before the copy is written (it may be what fills
     * the disk; it was removed only after a write that succeeded), and the failed write leaves no temporary and no
     * copy; the copy before stays.
     */
    @Test
    void aWriteThatFailsOnAFullDiskLeavesNoTemporaryAndRemovesAKilledOnesFirst() throws IOException {
        write(0, afterStep0);
        Path leftover = dir.resolve(".step_5.safetensors.tmp");
        Files.writeString(leftover, "a power cut left this");
        boolean[] leftoverGoneBeforeWrite = {false};
        var e = assertThrows(IOException.class, () -> DurableCopies.write(dir, 1, afterStep1, core.stateLayout(), "",
                "{}", List.of(), write -> tmp -> {
                    leftoverGoneBeforeWrite[0] = !Files.exists(leftover);
                    org.elasticscrl.worker.DiskFault.FULL.around(write).writeTo(tmp);
                }));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(leftoverGoneBeforeWrite[0]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("step_0.safetensors"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(org.elasticscrl.worker.DiskFault.POWER_CUT, org.elasticscrl.worker.DiskFault.of("power-cut"));
        var bad = assertThrows(IllegalArgumentException.class, () -> org.elasticscrl.worker.DiskFault.of("flood"));
        assertTrue(bad.getMessage().contains("'flood' is not one of none, full, power-cut"), bad.getMessage());
    }

    /**
     * A holder's own newer copy does not make a checkpoint durable (another holder's copy of it may never
     * complete): its copy of the newest durable checkpoint stays until the coordinator says a newer one is.
     * Counting its own copies (keep the newest N) deleted it.
     */
    @Test
    void aCopyStaysUntilANewerCheckpointIsDurable() throws IOException {
        write(0, afterStep0);
        write(1, afterStep1, 0L); // checkpoint 0 is the newest durable one: its copy stays
        assertEquals(List.of("step_0.safetensors", "step_1.safetensors"), copies());
        Files.copy(dir.resolve("step_1.safetensors"), dir.resolve("step_7.safetensors")); // a newer timeline's
        write(1, afterStep1, 1L); // checkpoint 1 durable now: 0 may go; what is newer is not the holder's to judge
        assertEquals(List.of("step_1.safetensors", "step_7.safetensors"), copies());
    }

    /** A load checks the copy against the manifest: another size, CRC32C or run is refused, naming which. */
    @Test
    void aCopyThatDiffersFromTheManifestIsRefused() throws IOException {
        var w = write(1, afterStep1);
        var e = expected(w);
        String crc = e.crc32c().equals("0") ? "1" : "0";
        var refused = assertThrows(IOException.class, () -> DurableCopies.read(List.of(
                new DurableCopies.Expected(e.path(), e.crc32c(), e.bytes() + 1),
                new DurableCopies.Expected(e.path(), crc, e.bytes()), e), "run_b", 1, core.stateLayout()));
        String m = refused.getMessage();
        assertTrue(m.contains("its size is " + e.bytes() + " bytes, the manifest records " + (e.bytes() + 1)), m);
        assertTrue(m.contains("its CRC32C is " + e.crc32c() + ", the manifest records " + crc), m);
        assertTrue(m.contains("it is a copy of run 'run_a', this run is run_b"), m);
        assertArrayEquals(afterStep1.online(), DurableCopies.read(List.of(e), "run_a", 1, core.stateLayout())
                .state().online());
    }

    @Test
    void refusesAStateOfAnotherStep() {
        var e = assertThrows(IllegalStateException.class, () -> write(5, afterStep1));
        assertTrue(e.getMessage().contains("not the 6 of a copy after step 5"), e.getMessage());
    }

    @Test
    void loadsTheFirstCopyThatVerifiesAndNamesEveryRefusal() throws IOException {
        Path damaged = dir.resolve("a");
        Path good = dir.resolve("b");
        Files.createDirectories(damaged);
        var first = DurableCopies.write(damaged, 1, afterStep1, core.stateLayout(), "", "{}", List.of()).file();
        var second = DurableCopies.write(good, 1, afterStep1, core.stateLayout(), "", "{}", List.of()).file();
        var firstAsWritten = expected(first).get(0);
        long[] range = SafeTensors.dataRange(first);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(range[0] + 17);
            int b = f.read();
            f.seek(range[0] + 17);
            f.write(b ^ 0x40);
        }
        var absent = new DurableCopies.Expected(dir.resolve("elsewhere/step_1.safetensors").toString(), "0", 0);
        var loaded = DurableCopies.read(List.of(absent, firstAsWritten, expected(second).get(0)), "", 1,
                core.stateLayout());
        assertEquals(second, loaded.file());
        assertArrayEquals(afterStep1.online(), loaded.state().online());

        var e = assertThrows(IOException.class,
                () -> DurableCopies.read(List.of(absent, firstAsWritten), "", 1, core.stateLayout()));
        assertTrue(e.getMessage().contains(absent.path() + ": not on this node"), e.getMessage());
        assertTrue(e.getMessage().contains(first + ": checkpoint " + first + " is corrupt: checksum mismatch"),
                e.getMessage());
        var wrongStep = assertThrows(IOException.class,
                () -> DurableCopies.read(expected(second), "", 0, core.stateLayout()));
        assertTrue(wrongStep.getMessage().contains("holds 2 commits, expected 1"), wrongStep.getMessage());
    }

    @Test
    void theNextCopyRemovesTheTemporaryAKilledWriteLeft(@TempDir Path copies) throws IOException {
        Path left = Files.writeString(copies.resolve(".step_5.safetensors.tmp"), "killed mid-write");
        Path kept = Files.writeString(copies.resolve("step_4.safetensors"), "a copy");
        DurableCopies.prune(copies, List.of(4L), 5);
        assertTrue(!Files.exists(left), "a killed write's temporary is removed");
        assertTrue(Files.exists(kept));
    }
}
