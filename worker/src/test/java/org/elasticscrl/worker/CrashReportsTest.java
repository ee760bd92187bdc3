package org.elasticscrl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashReportsTest {
    /** The head of a HotSpot report of a native crash in a oneDNN kernel called from the step (JDK 17 layout). */
    static final String NATIVE = """
            #
            # A fatal error has been detected by the Java Runtime Environment:
            #
            #  SIGFPE (0x8) at pc=0x00007f3a1c2f1e04, pid=4242, tid=4260
            #
            # JRE version: OpenJDK Runtime Environment (17.0.15+6) (build 17.0.15+6-Debian-1deb12u1)
            # Java VM: OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1, mixed mode, sharing, tiered, linux-amd64)
            # Problematic frame:
            # C  [libtorch_cpu.so+0x2f1c0e4]  dnnl::impl::cpu::x64::brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1()+0x74
            #
            # An error report file with more information is saved as:
            # /srv/scrl/copies/w-7/crashes/hs_err_pid4242.log
            #

            ---------------  S U M M A R Y ------------

            Command Line: -XX:ErrorFile=/srv/scrl/copies/w-7/crashes/hs_err_pid%p.log org.elasticscrl.cli.Scrl worker

            Time: Sun Dec  6 10:10:20 2026 UTC elapsed time: 41.2 seconds (0d 0h 0m 41s)

            ---------------  T H R E A D  ---------------

            Native frames: (J=compiled Java code, j=interpreted, Vv=VM code, C=native code)
            C  [libtorch_cpu.so+0x2f1c0e4]  dnnl::impl::cpu::x64::brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1()+0x74
            j  ai.djl.pytorch.jni.PyTorchLibrary.torchBackward(JJZZ)V+0
            j  ai.djl.pytorch.engine.PtGradientCollector.backward(Lai/djl/ndarray/NDArray;)V+13
            j  org.elasticscrl.core.train.Autograd.backward(Lai/djl/ndarray/NDArray;)V+6
            j  org.elasticscrl.core.train.StepComputer.lambda$computeOne$3(Lai/djl/ndarray/NDArray;)V+1
            j  org.elasticscrl.core.train.StepComputer.computeOne(Lorg/elasticscrl/core/train/Chunk;)V+300
            """;

    @Test
    void aNativeCrashIsSummarisedBySignalFrameCallerAndTime() {
        assertEquals("SIGFPE (0x8) in C [libtorch_cpu.so+0x2f1c0e4]"
                + " dnnl::impl::cpu::x64::brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1()+0x74;"
                + " from Autograd.backward < StepComputer.lambda$computeOne$3; Sun Dec  6 10:10:20 2026 UTC",
                CrashReports.summary(NATIVE));
    }

    @Test
    void aSignalSentByKillSaysSoAndAnythingElseIsStillAFatalError() {
        String killed = "#  SIGSEGV (0xb) at pc=0x00007f8bb0b7af14 (sent by kill), pid=9053, tid=9053\n"
                + "# Problematic frame:\n# C  [libc.so.6+0x85f14]\n";
        assertEquals("SIGSEGV (0xb) (sent by kill) in C [libc.so.6+0x85f14]", CrashReports.summary(killed));
        assertEquals("fatal error", CrashReports.summary("garbage\u0000\u0007"));
        assertTrue(CrashReports.summary("# Problematic frame:\n# " + "x".repeat(5000)).length() <= 403);
    }

    @Test
    void theNewestUnreportedReportsAreSentUntilAcknowledged(@TempDir Path dir) throws Exception {
        for (int i = 1; i <= 6; i++) {
            Path f = Files.writeString(dir.resolve("hs_err_pid" + (100 + i) + ".log"),
                    NATIVE.replace("10:10:20", "10:1" + i + ":00"));
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * i));
        }
        Files.writeString(dir.resolve("notes.txt"), "not a report");
        CrashReports r = CrashReports.in(dir);
        assertEquals(CrashReports.MAX_SENT, r.summaries().size());
        assertTrue(r.summaries().get(0).endsWith("10:13:00 2026 UTC"), r.summaries().get(0));
        assertTrue(r.summaries().get(3).endsWith("10:16:00 2026 UTC"), r.summaries().get(3));
        r.acknowledge();
        assertEquals(List.of(), CrashReports.in(dir).summaries());
        try (var files = Files.list(dir)) {
            assertEquals(6, files.filter(p -> p.toString().endsWith(".log.reported")).count());
        }
        assertEquals(List.of(), CrashReports.in(dir.resolve("absent")).summaries());
        assertEquals(List.of(), CrashReports.in(null).summaries());
    }
}
