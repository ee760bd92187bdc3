package org.elasticscrl.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.function.Function;

/**
 * How this node authenticates to the cluster: Artery over TLS (its key and certificate, the
 * certificates it trusts) and the cluster secret. A property of the node, not of the run: it is
 * never part of {@link ScrlConfig}, which is written to the run directory and sent to every worker.
 *
 * <p>Paths come from the command line, passwords and the secret from the environment (so they do
 * not show in {@code ps}). Everything is checked here — files readable, passwords right, a key in
 * the keystore, certificates valid — so a mistake stops the node at start with one line naming the
 * option or variable and the file, instead of failing TLS handshakes later.
 *
 * @param tls Artery over TLS, or null for plain TCP
 * @param secret the cluster secret's bytes, or null for none
 */
public record NodeSecurity(Tls tls, byte[] secret) {
    public static final String KEYSTORE_PASSWORD = "SCRL_TLS_KEYSTORE_PASSWORD";
    public static final String TRUSTSTORE_PASSWORD = "SCRL_TLS_TRUSTSTORE_PASSWORD";
    public static final String SECRET = "SCRL_CLUSTER_SECRET";
    /** 16 bytes: a guessable secret would only be a password. */
    public static final int MIN_SECRET_BYTES = 16;
    public static final NodeSecurity NONE = new NodeSecurity(null, null);

    /** A checked keystore (this node's key and certificate) and truststore, both files absolute. */
    public record Tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]"; // never the passwords
        }
    }

    public NodeSecurity {
        secret = secret == null ? null : secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    @Override
    public String toString() {
        return "NodeSecurity[tls=" + tls + ", secret=" + (secret == null ? "none" : "set") + "]";
    }

    /**
     * From the options {@code --tls-keystore}, {@code --tls-truststore}, {@code --secret-file} (each
     * may be null) and the environment: {@value #KEYSTORE_PASSWORD}, {@value #TRUSTSTORE_PASSWORD}
     * (default: the keystore's), {@value #SECRET} (instead of a secret file).
     */
    public static NodeSecurity load(Path keyStore, Path trustStore, Path secretFile, Function<String, String> env) {
        return new NodeSecurity(tls(keyStore, trustStore, env), secret(secretFile, env.apply(SECRET)));
    }

    private static Tls tls(Path keyStore, Path trustStore, Function<String, String> env) {
        if (keyStore == null && trustStore == null) {
            return null;
        }
        if (keyStore == null || trustStore == null) {
            throw new ConfigException((keyStore == null ? "--tls-keystore" : "--tls-truststore")
                    + ": required with " + (keyStore == null ? "--tls-truststore" : "--tls-keystore")
                    + " (with TLS every node shows its certificate and checks the other's)");
        }
        readable("--tls-keystore", keyStore);
        readable("--tls-truststore", trustStore);
        String keyPassword = env.apply(KEYSTORE_PASSWORD);
        if (keyPassword == null || keyPassword.isEmpty()) {
            throw new ConfigException(KEYSTORE_PASSWORD + ": not set; --tls-keystore " + keyStore
                    + " needs its password in this environment variable");
        }
        String trustPassword = env.apply(TRUSTSTORE_PASSWORD);
        trustPassword = trustPassword == null || trustPassword.isEmpty() ? keyPassword : trustPassword;
        String trustVar = env.apply(TRUSTSTORE_PASSWORD) == null ? KEYSTORE_PASSWORD + " (" + TRUSTSTORE_PASSWORD
                + " is not set)" : TRUSTSTORE_PASSWORD;

        KeyStore keys = open("--tls-keystore", keyStore, keyPassword, KEYSTORE_PASSWORD);
        checkKey(keys, keyStore, keyPassword);
        KeyStore trusted = open("--tls-truststore", trustStore, trustPassword, trustVar);
        checkTrusted(trusted, trustStore);
        return new Tls(keyStore.toAbsolutePath(), keyPassword, trustStore.toAbsolutePath(), trustPassword);
    }

    private static KeyStore open(String option, Path file, String password, String passwordVar) {
        readable(option, file);
        try {
            // PKCS12 or JKS, whichever the file is
            return KeyStore.getInstance(file.toFile(), password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(option + ": " + file + " does not open with the password in " + passwordVar
                        + " (wrong password)", e);
            }
            throw new ConfigException(option + ": " + file + " cannot be read as a keystore: " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException(option + ": " + file + " is not a PKCS12 or JKS keystore (" + e.getMessage() + ")",
                    e);
        }
    }

    /** A private key readable with the store's password (Pekko uses that one), with a valid certificate. */
    private static void checkKey(KeyStore ks, Path file, String password) {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                try {
                    ks.getKey(alias, password.toCharArray());
                } catch (UnrecoverableKeyException e) {
                    throw new ConfigException("--tls-keystore: the key '" + alias + "' in " + file
                            + " has another password than the keystore; give it the same (keytool -keypass)", e);
                }
                valid("--tls-keystore", file, alias, ks.getCertificate(alias));
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException("--tls-keystore: " + file + " cannot be read: " + e.getMessage(), e);
        }
        throw new ConfigException("--tls-keystore: " + file + " holds no private key; a node needs its own key and"
                + " certificate (keytool -genkeypair, see deploy/SECURITY.md)");
    }

    private static void checkTrusted(KeyStore ks, Path file) {
        try {
            int certificates = 0;
            for (String alias : Collections.list(ks.aliases())) {
                Certificate c = ks.getCertificate(alias);
                if (c != null) {
                    valid("--tls-truststore", file, alias, c);
                    certificates++;
                }
            }
            if (certificates == 0) {
                throw new ConfigException("--tls-truststore: " + file + " holds no certificate to trust"
                        + " (keytool -importcert, see deploy/SECURITY.md)");
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException("--tls-truststore: " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void valid(String option, Path file, String alias, Certificate c) {
        if (c instanceof X509Certificate x) {
            try {
                x.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new ConfigException(option + ": the certificate '" + alias + "' in " + file + " expired on "
                        + x.getNotAfter().toInstant(), e);
            } catch (CertificateNotYetValidException e) {
                throw new ConfigException(option + ": the certificate '" + alias + "' in " + file
                        + " is not valid before " + x.getNotBefore().toInstant(), e);
            }
        }
    }

    private static byte[] secret(Path file, String fromEnv) {
        if (file != null && fromEnv != null) {
            throw new ConfigException("--secret-file and " + SECRET + " are both given: give the cluster secret once");
        }
        String text;
        String source;
        if (file != null) {
            readable("--secret-file", file);
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("--secret-file: " + file + " cannot be read: " + e.getMessage(), e);
            }
            source = "--secret-file: the secret in " + file;
        } else if (fromEnv != null) {
            text = fromEnv;
            source = SECRET + ": the secret";
        } else {
            return null;
        }
        // a trailing newline from `echo` or an editor is not part of the secret
        byte[] bytes = text.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new ConfigException(source + " has " + bytes.length + " bytes; use at least " + MIN_SECRET_BYTES
                    + ", e.g. head -c 32 /dev/urandom | base64 > cluster.secret");
        }
        return bytes;
    }

    private static void readable(String option, Path file) {
        if (!Files.exists(file)) {
            throw new ConfigException(option + ": file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(option + ": " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(option + ": " + file + " is not readable by this user");
        }
    }
}
