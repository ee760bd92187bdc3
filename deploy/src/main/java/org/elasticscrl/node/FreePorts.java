package org.elasticscrl.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for a node that another process starts: free now and outside the kernel's ephemeral range, so
 * that no process binding port 0 meanwhile (a worker's tensor server, another node) is given it before the
 * node binds it. (Ports picked with {@code new ServerSocket(0)} come from that range and collided: a
 * coordinator that found its port taken failed a test run.)
 */
public final class FreePorts {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;

    private FreePorts() {}

    public static int pick() throws IOException {
        int below = ephemeralStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // a crowded machine: fall back to the kernel's choice
        }
    }

    /** Where the kernel's ephemeral ports begin (Linux's default when it cannot be read). */
    static int ephemeralStart() {
        try {
            int start = Integer.parseInt(Files.readString(RANGE).trim().split("\\s+")[0]);
            return start > LOWEST + 1000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
