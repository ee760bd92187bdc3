package org.elasticscrl.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.elasticscrl.core.train.DeterminismProbe;
import org.elasticscrl.platform.CpuInfo;
import org.elasticscrl.platform.KernelPolicy;
import org.elasticscrl.platform.KernelPolicy.Choice;
import org.elasticscrl.platform.OneDnnIsa;
import org.elasticscrl.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scrl kernels [--probe]}: what this machine's CPU reports, which native kernels each value of
 * {@code train.deterministic} gets here and why; with {@code --probe}, whether they really give the same
 * bits for the same steps on this CPU ({@link DeterminismProbe}, each in a JVM of its own), and — when
 * the fastest kernels do not — which oneDNN implementations ran only with them: the suspects.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "The native kernels this machine computes with, and (--probe) whether they are deterministic.")
final class KernelsCommand implements Callable<Integer> {
    @Option(names = "--probe", description = "Run the determinism probe with each choice of kernels (about a minute).")
    boolean probe;

    @Option(names = "--threads", description = "Compute threads of the probe (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        CpuInfo cpu = CpuInfo.read();
        System.out.println("CPU: " + cpu.describe());
        System.out.println("oneDNN levels it runs: " + String.join(" ",
                OneDnnIsa.supported(cpu.flags()).stream().map(Enum::name).toList()));
        String own = System.getenv(KernelPolicy.ISA_VARIABLE);
        System.out.println("this environment: " + (own == null ? "no " + KernelPolicy.ISA_VARIABLE
                : KernelPolicy.ISA_VARIABLE + "=" + own));
        Map<String, String> clean = new HashMap<>(System.getenv());
        clean.remove(KernelPolicy.ISA_VARIABLE);
        Map<Choice, KernelPolicy.Decision> decisions = new HashMap<>();
        for (Choice c : Choice.values()) {
            KernelPolicy.Decision d = KernelPolicy.decide(c, cpu, clean);
            decisions.put(c, d);
            System.out.printf("train.deterministic: %-5s -> %s%s%n", c == Choice.DETERMINISTIC, d.describe(),
                    d.toSet().isEmpty() ? "" : " (" + d.toSet() + ")");
            d.reasons().forEach(r -> System.out.println("    " + r));
        }
        if (!probe) {
            return 0;
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Table t = new Table("kernels", "threads", "scrl", "byol", "byol_lc", "triplet", "fixed updates");
        Map<Choice, DeterminismProbe.Outcome> outcomes = new HashMap<>();
        Progress bar = new Progress("probing", 2);
        int done = 0;
        for (Choice c : List.of(Choice.DETERMINISTIC, Choice.FASTEST)) {
            DeterminismProbe.Outcome o = DeterminismProbe.inChildJvm(decisions.get(c).toSet(), n,
                    c == Choice.FASTEST ? new String[] {"--fastest"} : new String[0]);
            outcomes.put(c, o);
            bar.update(++done, c.name().toLowerCase(Locale.ROOT));
            List<String> row = new ArrayList<>(List.of(o.result().get("kernels").asText(),
                    o.result().get("threads").asText()));
            for (String objective : List.of("scrl", "byol", "byol_lc", "triplet")) {
                row.add(o.result().get("objectives").get(objective).get("agree").asBoolean() ? "same bits" : "DIFFER");
            }
            row.add(o.result().get("updates").asText());
            t.row(row.toArray(String[]::new));
        }
        bar.done();
        System.out.println("the same steps computed four ways (again, split, by other replicas) from one seed:");
        System.out.print(t);
        DeterminismProbe.Outcome fastest = outcomes.get(Choice.FASTEST);
        if (!fastest.agree()) {
            TreeSet<String> suspects = new TreeSet<>(fastest.kernels().keySet());
            suspects.removeAll(outcomes.get(Choice.DETERMINISTIC).kernels().keySet());
            System.out.println("the fastest kernels are not deterministic on this CPU; oneDNN implementations that ran"
                    + " only with them: " + suspects);
        }
        return outcomes.get(Choice.DETERMINISTIC).agree() ? 0 : 1;
    }
}
