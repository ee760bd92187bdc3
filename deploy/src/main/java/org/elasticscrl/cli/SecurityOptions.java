package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.protocol.ClusterSecret;
import picocli.CommandLine.Option;

/**
 * The security options every cluster node takes ({@code coordinator}, {@code worker}, {@code local}):
 * Artery over TLS and the cluster secret. Passwords and the secret itself come from the
 * environment, never the command line, where every user of the machine could read them.
 */
final class SecurityOptions {
    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Artery over TLS: this node's key and certificate (PKCS12 or JKS); password in $"
                    + NodeSecurity.KEYSTORE_PASSWORD + ". See deploy/SECURITY.md.")
    Path keyStore;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "The certificates this node trusts (PKCS12 or JKS); password in $"
                    + NodeSecurity.TRUSTSTORE_PASSWORD + " (default: the keystore's).")
    Path trustStore;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "The cluster secret (>= 16 bytes), or set $" + NodeSecurity.SECRET
                    + ". Workers without it are refused.")
    Path secretFile;

    /** The checked settings; a mistake is a ConfigException naming the option and file. */
    NodeSecurity resolve() {
        return NodeSecurity.load(keyStore, trustStore, secretFile, System::getenv);
    }

    static ClusterSecret secret(NodeSecurity security) {
        return security.secret() == null ? ClusterSecret.NONE : ClusterSecret.of(security.secret());
    }

    /**
     * TLS for the tensor transport from the node's TLS settings (the keystore and truststore Artery
     * uses), or plain TCP without them.
     */
    static org.elasticscrl.protocol.blob.BlobTls blobTls(NodeSecurity security) {
        NodeSecurity.Tls t = security.tls();
        if (t == null) {
            return org.elasticscrl.protocol.blob.BlobTls.NONE;
        }
        try {
            return org.elasticscrl.protocol.blob.BlobTls.of(t.keyStore(), t.keyStorePassword().toCharArray(),
                    t.trustStore(), t.trustStorePassword().toCharArray());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            // NodeSecurity.load checked both files and passwords already: this is unexpected
            throw new IllegalStateException("cannot set up TLS for the tensor transport from " + t + ": " + e, e);
        }
    }

    /** The same options for a child node ({@code scrl local}); the environment is inherited. */
    List<String> args() {
        List<String> a = new ArrayList<>();
        if (keyStore != null) {
            a.addAll(List.of("--tls-keystore", keyStore.toAbsolutePath().toString()));
        }
        if (trustStore != null) {
            a.addAll(List.of("--tls-truststore", trustStore.toAbsolutePath().toString()));
        }
        if (secretFile != null) {
            a.addAll(List.of("--secret-file", secretFile.toAbsolutePath().toString()));
        }
        return a;
    }

    /** What a node logs at start: enough to compare nodes, nothing secret. */
    static String describe(NodeSecurity security) {
        String tls = security.tls() == null ? "plain TCP (no TLS)" : "TLS (keystore " + security.tls().keyStore() + ")";
        ClusterSecret s = secret(security);
        return tls + ", " + (s.isSet() ? "cluster secret " + s.fingerprint() : "no cluster secret");
    }
}
