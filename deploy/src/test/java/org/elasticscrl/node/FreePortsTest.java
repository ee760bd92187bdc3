package org.elasticscrl.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    /** Picked below the ephemeral range: a process binding port 0 is never given it. */
    @Test
    void picksABindablePortBelowTheEphemeralRange() throws Exception {
        int start = FreePorts.ephemeralStart();
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pick();
            assertTrue(port >= 10_000 && port < start, port + " not in [10000, " + start + ")");
            try (ServerSocket s = new ServerSocket(port)) {
                assertTrue(s.isBound());
            }
            try (ServerSocket any = new ServerSocket(0)) {
                assertTrue(any.getLocalPort() >= start, "the kernel's own choice is in its ephemeral range");
            }
        }
    }
}
