package org.elasticscrl.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake in a node's security settings stops it with one line naming the option and the file. */
class NodeSecurityTest {
    static final String PW = "store-pass-123";
    @TempDir
    static Path dir;
    static Path keys;
    static Path trust;
    static Path expired;
    static Path emptyTrust;
    static Path garbage;

    /** The JDK's keytool, as deploy/SECURITY.md uses it. */
    static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    @BeforeAll
    static void stores() throws Exception {
        keys = dir.resolve("keystore.p12");
        trust = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                "-dname", "CN=scrl-test", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PW);
        keytool("-exportcert", "-alias", "node", "-rfc", "-file", dir.resolve("node.crt").toString(), "-keystore",
                keys.toString(), "-storepass", PW);
        keytool("-importcert", "-noprompt", "-alias", "cluster", "-file", dir.resolve("node.crt").toString(),
                "-keystore", trust.toString(), "-storetype", "PKCS12", "-storepass", PW);
        expired = dir.resolve("expired.p12");
        keytool("-genkeypair", "-alias", "old", "-keyalg", "EC", "-groupname", "secp256r1", "-startdate", "-10d",
                "-validity", "1", "-dname", "CN=old", "-keystore", expired.toString(), "-storetype", "PKCS12",
                "-storepass", PW);
        emptyTrust = dir.resolve("empty.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(emptyTrust)) {
            empty.store(out, PW.toCharArray());
        }
        garbage = Files.writeString(dir.resolve("garbage.p12"), "this is not a keystore");
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String error(Path keyStore, Path trustStore, Path secretFile, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> NodeSecurity.load(keyStore, trustStore, secretFile, env::get))
                .getMessage();
    }

    @Test
    void nothingGivenIsPlainTcpWithoutSecret() {
        NodeSecurity s = NodeSecurity.load(null, null, null, env()::get);
        assertNull(s.tls());
        assertNull(s.secret());
    }

    @Test
    void checkedStoresAndSecretLoad() throws Exception {
        Path secret = Files.writeString(dir.resolve("ok.secret"), "0123456789abcdefXYZ\n");
        NodeSecurity s = NodeSecurity.load(keys, trust, secret, env(NodeSecurity.KEYSTORE_PASSWORD, PW)::get);
        assertEquals(keys.toAbsolutePath(), s.tls().keyStore());
        assertEquals(PW, s.tls().trustStorePassword(), "the truststore's password defaults to the keystore's");
        assertArrayEquals("0123456789abcdefXYZ".getBytes(StandardCharsets.UTF_8), s.secret(), "trailing newline dropped");
        assertFalse(s.toString().contains(PW) || s.toString().contains("0123456789"), s.toString());
        NodeSecurity fromEnv = NodeSecurity.load(null, null, null,
                env(NodeSecurity.SECRET, "a secret from the environment")::get);
        assertArrayEquals("a secret from the environment".getBytes(StandardCharsets.UTF_8), fromEnv.secret());
    }

    @Test
    void bothStoresAreRequiredTogether() {
        var pw = env(NodeSecurity.KEYSTORE_PASSWORD, PW);
        assertTrue(error(keys, null, null, pw).startsWith("--tls-truststore: required with --tls-keystore"));
        assertTrue(error(null, trust, null, pw).startsWith("--tls-keystore: required with --tls-truststore"));
    }

    @Test
    void aMissingPasswordNamesTheVariable() {
        assertEquals(NodeSecurity.KEYSTORE_PASSWORD + ": not set; --tls-keystore " + keys
                + " needs its password in this environment variable", error(keys, trust, null, env()));
    }

    @Test
    void aWrongPasswordNamesTheFileAndTheVariable() {
        String e = error(keys, trust, null, env(NodeSecurity.KEYSTORE_PASSWORD, "wrong"));
        assertEquals("--tls-keystore: " + keys + " does not open with the password in " + NodeSecurity.KEYSTORE_PASSWORD
                + " (wrong password)", e);
        e = error(keys, trust, null, env(NodeSecurity.KEYSTORE_PASSWORD, PW, NodeSecurity.TRUSTSTORE_PASSWORD, "wrong"));
        assertTrue(e.startsWith("--tls-truststore: " + trust + " does not open with the password in "
                + NodeSecurity.TRUSTSTORE_PASSWORD), e);
    }

    @Test
    void missingUnreadableAndForeignFilesAreNamed() {
        var pw = env(NodeSecurity.KEYSTORE_PASSWORD, PW);
        Path missing = dir.resolve("nope.p12");
        assertEquals("--tls-keystore: file " + missing + " does not exist", error(missing, trust, null, pw));
        assertEquals("--tls-truststore: " + dir + " is not a regular file", error(keys, dir, null, pw));
        assertTrue(error(garbage, trust, null, pw).startsWith("--tls-keystore: " + garbage + " "), "garbage named");
    }

    @Test
    void aKeystoreNeedsAKeyAndATruststoreACertificate() {
        var pw = env(NodeSecurity.KEYSTORE_PASSWORD, PW);
        assertTrue(error(trust, trust, null, pw).startsWith("--tls-keystore: " + trust + " holds no private key"));
        assertTrue(error(keys, emptyTrust, null, pw).startsWith("--tls-truststore: " + emptyTrust
                + " holds no certificate to trust"));
    }

    @Test
    void anExpiredCertificateIsNamedWithItsDate() {
        String e = error(expired, trust, null, env(NodeSecurity.KEYSTORE_PASSWORD, PW));
        assertTrue(e.startsWith("--tls-keystore: the certificate 'old' in " + expired + " expired on "), e);
    }

    @Test
    void theSecretIsGivenOnceAndLongEnough() throws Exception {
        Path shortOne = Files.writeString(dir.resolve("short.secret"), "hunter2\n");
        assertTrue(error(null, null, shortOne, env()).startsWith("--secret-file: the secret in " + shortOne
                + " has 7 bytes; use at least 16"));
        assertTrue(error(null, null, null, env(NodeSecurity.SECRET, "short")).startsWith(NodeSecurity.SECRET
                + ": the secret has 5 bytes"));
        Path ok = Files.writeString(dir.resolve("twice.secret"), "0123456789abcdef");
        assertEquals("--secret-file and " + NodeSecurity.SECRET + " are both given: give the cluster secret once",
                error(null, null, ok, env(NodeSecurity.SECRET, "0123456789abcdef")));
        assertEquals("--secret-file: file " + dir.resolve("none") + " does not exist",
                error(null, null, dir.resolve("none"), env()));
    }
}
