package org.elasticscrl.cli;

import java.net.InetSocketAddress;
import org.elasticscrl.config.NodeSecurity;
import org.elasticscrl.node.ClusterNodes;
import org.elasticscrl.protocol.TensorTransport;
import org.elasticscrl.protocol.blob.EmulatedLink;
import picocli.CommandLine.Option;

/**
 * Where a node's tensor transport listens and what address its peers are told: by default the node's
 * --bind host and any free port. A node reached through a forwarded port (a container's published
 * port, a NAT) fixes the port and advertises the address its peers can reach.
 */
final class TensorOptions {
    @Option(names = "--tensors-port", defaultValue = "0",
            description = "Port of this node's tensor transport (default 0: any free port).")
    int port;

    @Option(names = "--tensors-advertise", paramLabel = "HOST:PORT",
            description = "The address peers fetch this node's tensors from, when it is not --bind's host and"
                    + " --tensors-port (a published container port, a NAT).")
    String advertise;

    @Option(names = "--emulate-link", paramLabel = "RATE[:LATENCY]", description = "Benchmarks only: this node's"
            + " tensor transport moves bytes as over a link of RATE each way with one-way LATENCY (e.g. 1gbit:0.1ms),"
            + " so several nodes on one machine behave like nodes with their own NICs; 'count' only counts the bytes.")
    String emulateLink;

    /** Starts the transport on {@code host} (this node's --bind host) and says where it serves, on stderr. */
    TensorTransport start(String host, String dtype, NodeSecurity security) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--tensors-port: " + port + " is not a port (0-65535)");
        }
        InetSocketAddress advertised = InetSocketAddress.createUnresolved(host, 0);
        if (advertise != null) {
            String[] hp = ClusterNodes.hostPort(advertise, "--tensors-advertise");
            advertised = InetSocketAddress.createUnresolved(hp[0], Integer.parseInt(hp[1]));
        }
        EmulatedLink link = emulateLink == null ? null : EmulatedLink.parse(emulateLink, "--emulate-link");
        TensorTransport t = TensorTransport.start(new InetSocketAddress(host, port), advertised, dtype,
                SecurityOptions.secret(security), SecurityOptions.blobTls(security), link);
        System.err.println(TENSORS_AT + host + ":" + t.port() + " (" + (security.tls() == null ? "plain TCP" : "TLS")
                + (advertise == null ? "" : "; advertised as " + advertise) + (link == null ? "" : "; emulated link "
                + link) + ")");
        return t;
    }

    /** How a node names its tensor transport's address at start (one line on stderr). */
    static final String TENSORS_AT = "tensor transport at ";
}
