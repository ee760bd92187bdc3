package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyAuditTest {
    @TempDir
    Path run;

    @Test
    void aTemporaryOfALiveOrReturnedHolderIsALeftoverOneOfAWorkerGoneForGoodIsListedApart() throws Exception {
        Path kept = Files.createDirectories(run.resolve("copies/worker-0")).resolve(".step_9.safetensors.tmp");
        Path gone = Files.createDirectories(run.resolve("copies/worker-1")).resolve(".step_9.safetensors.tmp");
        Files.write(kept, new byte[10]);
        Files.write(gone, new byte[10]);
        Files.writeString(run.resolve("copies/worker-1/step_8.safetensors"), "a finished copy is no leftover");

        CopyAudit audit = CopyAudit.of(run, null, List.of("worker-1"));

        assertEquals(List.of(kept), audit.temporaries());
        assertEquals(List.of(gone), audit.abandoned());
        assertFalse(audit.clean());
        assertTrue(CopyAudit.of(run, null, List.of("worker-0", "worker-1")).clean(),
                "leftovers of workers gone for good alone do not fail the audit");
    }

    @Test
    void aRunDirectoryTemporaryIsNeverExcusedAndAShortDurableCopyIsNamed() throws Exception {
        Files.writeString(run.resolve(".checkpoints.json.tmp"), "{");
        Path copy = Files.createDirectories(run.resolve("copies/worker-0")).resolve("step_4.safetensors");
        Files.write(copy, new byte[7]);
        Files.writeString(run.resolve("checkpoints.json"), """
                {"copies_required": 1, "checkpoints": [
                  {"step": 2, "copies": [{"path": "%1$s", "bytes": 3}]},
                  {"step": 4, "copies": [{"path": "%1$s", "bytes": 8}]}]}""".formatted(copy));

        CopyAudit audit = CopyAudit.of(run, null, List.of("worker-0"));

        assertEquals(List.of(run.resolve(".checkpoints.json.tmp")), audit.temporaries());
        assertEquals(List.of("checkpoint after step 4: copy " + copy + " has 7 bytes, the manifest records 8"),
                audit.problems());
    }
}
