package org.elasticscrl.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.elasticscrl.coordinator.RunReport;
import org.elasticscrl.report.MetricsLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code scrl report RUN_DIR}: (re)writes a run's plots and {@code report.html} from its files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a run directory's plots and report.html (a cluster run writes them when it ends).")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", description = "A run directory (with metrics.csv, commits.csv, membership.csv).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(dir.resolve("metrics.csv"))) {
            System.err.println("scrl report: " + dir + " has no metrics.csv: not a run directory");
            return 2;
        }
        try (MetricsLog log = new MetricsLog(dir)) {
            System.out.println(RunReport.write(dir, log).toAbsolutePath());
        }
        return 0;
    }
}
