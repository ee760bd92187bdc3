package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A node given bad security settings stops at once with one line naming the option and file. */
class SecurityOptionsTest {
    static String run(int expectedExit, String... args) {
        CommandLine cli = Scrl.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(expectedExit, cli.execute(args), err.toString());
        return err.toString().strip();
    }

    @Test
    void everyNodeCommandChecksItsSecurityOptionsFirst(@TempDir Path tmp) {
        Path missing = tmp.resolve("keystore.p12");
        assertEquals("scrl: --tls-keystore: file " + missing + " does not exist", run(2, "worker", "--join",
                "127.0.0.1:1", "--tls-keystore", missing.toString(), "--tls-truststore", missing.toString()));
        String e = run(2, "coordinator", "--config", "scrl_cpu", "--top_dir", tmp.toString(), "--secret-file",
                tmp.resolve("secret").toString());
        assertEquals("scrl: --secret-file: file " + tmp.resolve("secret") + " does not exist", e);
        e = run(2, "local", "--config", "scrl_cpu", "--top_dir", tmp.toString(), "--tls-truststore", missing.toString());
        assertTrue(e.startsWith("scrl: --tls-keystore: required with --tls-truststore"), e);
    }

    @Test
    void optionsArePassedOnToChildNodes(@TempDir Path tmp) {
        SecurityOptions o = new SecurityOptions();
        new CommandLine(o).parseArgs("--tls-keystore", "k.p12", "--secret-file", "s");
        assertEquals(java.util.List.of("--tls-keystore", Path.of("k.p12").toAbsolutePath().toString(), "--secret-file",
                Path.of("s").toAbsolutePath().toString()), o.args());
    }
}
