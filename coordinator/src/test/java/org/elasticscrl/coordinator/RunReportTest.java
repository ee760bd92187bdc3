package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.elasticscrl.protocol.StepMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report from the files a coordinator writes: five decodable plots and a page that shows
 * them with the final evaluation — rendered in headless Chromium (Debian's {@code chromium}, which
 * the setup installs), whose count of loaded plots is read back; a missing plot is seen as missing.
 */
class RunReportTest {
    @TempDir
    Path dir;

    /** Six steps of two epochs by three workers: w-2 joins at step 2, w-0 dies at step 4; a takeover. */
    private void run() throws IOException {
        try (RunFiles f = new RunFiles(dir)) {
            f.event(-1, 0, "w-0", "registered", "cpu threads=1");
            f.event(-1, 0, "w-0", "active", "initial replica");
            f.event(-1, 0, "w-1", "registered", "cpu threads=1");
            f.event(0, 1, "w-1", "active", "initial replica");
            for (int s = 0; s < 6; s++) {
                if (s == 2) {
                    f.event(2, 1, "w-2", "registered", "cpu threads=2");
                    f.event(2, 2, "w-2", "active", "synced at step 1");
                }
                if (s == 4) {
                    f.event(4, 2, "w-0", "gone", "unreachable");
                    f.event(4, 3, "coordinator", "took-over", "run state after step 3");
                }
                Map<Integer, String> chunks = s < 4 ? Map.of(0, "w-0", 1, "w-1") : Map.of(0, "w-1", 1, "w-2");
                f.commit(s, s / 3 + 1, s % 3, 1, 64, 0.1 * (s + 1), 0.99, 0, 2.0 - 0.1 * s, 1.5, chunks);
                f.stepRow(s, s / 3 + 1, new StepMetrics(64, 64 * (2.0 - 0.1 * s), 10, 40, 64, 0, 0, 0), 0.1 * (s + 1),
                        0.99, 1.5);
                if (s % 3 == 2) {
                    f.epochRow(s / 3 + 1, 2.0 - 0.1 * s, 0.3 + 0.1 * s, 10);
                }
            }
            f.finish("{\"run\":\"r\",\"steps\":6,\"final_ssl_loss\":1.5,\"online_accuracy\":0.8,"
                    + "\"final_eval\":{\"global_linear\":{\"last\":0.71,\"best\":0.74,\"best_epoch\":3,"
                    + "\"train_rows\":600,\"test_rows\":100}}}");
        }
    }

    @Test
    void plotsAndAPageThatShowsThem() throws Exception {
        run();
        for (String p : RunReport.PLOTS) {
            var img = ImageIO.read(dir.resolve(p).toFile());
            assertNotNull(img, p + " decodes");
            assertTrue(img.getWidth() >= 500 && img.getHeight() >= 100, p + " " + img.getWidth() + "x" + img.getHeight());
        }
        String html = Files.readString(dir.resolve("report.html"));
        for (String p : RunReport.PLOTS) {
            assertTrue(html.contains("src=\"" + p + "\""), p);
        }
        assertTrue(html.contains("<td>global linear</td><td>71.00 %</td><td>74.00 %</td>"), html);
        assertTrue(html.contains("<td>took-over</td>") && html.contains("<td>w-2</td>"), html);
        assertTrue(html.contains("The online evaluator is a linear head"), "the online accuracy is explained where it is shown");
        assertEquals("5 of 5", plotsShown(), "every plot rendered in Chromium");
        Files.delete(dir.resolve("timeline.png"));
        assertEquals("4 of 5", plotsShown(), "a missing plot is not counted");
    }

    /** What headless Chromium shows in the page's "plots shown" line after loading it. */
    private String plotsShown() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                    "--virtual-time-budget=10000", "--dump-dom", dir.resolve("report.html").toUri().toString())
                    .redirectError(dir.resolve("chromium.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("Debian's chromium is needed to render the report (apt-get install chromium;"
                    + " deploy/bin/setup installs it): " + e.getMessage(), e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String dom = new String(out, StandardCharsets.UTF_8);
        int i = dom.indexOf("id=\"plots-shown\">");
        assertTrue(i >= 0, "no plots line in the rendered page:\n" + dom + Files.readString(dir.resolve("chromium.log")));
        return dom.substring(i + "id=\"plots-shown\">".length(), dom.indexOf('<', i));
    }

    @Test
    void aWorkerAbsentFromSomeStepsHasAGapThereNotALineAcrossThem() {
        // global_step, epoch, step_in_epoch, membership_epoch, samples, lr, tau, wd, loss, seconds, chunks
        java.util.List<String[]> commits = java.util.List.of(
                new String[] {"0", "0", "0", "1", "64", "0", "0", "0", "0", "1.0", "0:a 1:b"},
                new String[] {"1", "0", "1", "2", "64", "0", "0", "0", "0", "1.0", "0:a 1:a"},
                new String[] {"2", "0", "2", "2", "64", "0", "0", "0", "0", "1.0", "0:a 1:a"},
                new String[] {"3", "0", "3", "3", "64", "0", "0", "0", "0", "2.0", "0:a 1:b"});
        var series = RunReport.throughput(commits);
        var b = series.stream().filter(s -> s.name().equals("b")).findFirst().orElseThrow();
        assertEquals(java.util.List.of(0.0, 1.0, 3.0), java.util.Arrays.stream(b.x()).boxed().toList());
        assertEquals(32.0, b.y()[0]);
        assertTrue(Double.isNaN(b.y()[1]), "absent at steps 1-2: a gap");
        assertEquals(16.0, b.y()[2]);
        var a = series.stream().filter(s -> s.name().equals("a")).findFirst().orElseThrow();
        assertEquals(4, a.x().length, "present throughout: no gap");
    }
}
