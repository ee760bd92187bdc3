package org.elasticscrl.protocol.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.protocol.blob.BlobTls;

/**
 * A throwaway key pair for the transport benchmark's TLS mode (and the transport's TLS tests): made
 * with the JDK's keytool in a directory the parent passes to its children, trusted by itself only.
 */
public final class BenchKeys {
    private static final String PASSWORD = "scrl-bench-only";

    private BenchKeys() {}

    /** Writes {@code node.p12} and {@code trust.p12} into {@code dir}. */
    public static void generate(Path dir) throws IOException, InterruptedException {
        Path ks = dir.resolve("node.p12");
        Path crt = dir.resolve("node.crt");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=scrl-bench", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "node", "-rfc", "-file", crt.toString(), "-keystore", ks.toString(),
                "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", crt.toString(), "-keystore",
                dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    /** TLS with the pair in {@code dir}. */
    public static BlobTls tls(Path dir) throws IOException, GeneralSecurityException {
        return BlobTls.of(dir.resolve("node.p12"), PASSWORD.toCharArray(), dir.resolve("trust.p12"),
                PASSWORD.toCharArray());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
