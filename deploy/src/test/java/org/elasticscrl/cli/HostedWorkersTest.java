package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostedWorkersTest {
    /** Nodes that record when they were killed, in order. */
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final Map<String, Long> killedAt = new ConcurrentHashMap<>();

    private HostedWorkers hosted() {
        return new HostedWorkers((id, kill, up) -> {
            started.add(id);
            up.complete(null);
            kill.get(30, TimeUnit.SECONDS);
            killedAt.put(id, System.nanoTime());
        });
    }

    @Test
    void nodesStartOnCommandAndAKillEndsOnlyItsNode() throws Exception {
        // b is killed while the input goes on; a and c only when it ends
        PipedCommands in = new PipedCommands();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> in.serve(hosted()));
        in.send("start a", "start b", "start c");
        waitFor(() -> started.size() == 3);
        in.send("kill b");
        waitFor(() -> killedAt.containsKey("b"));
        assertTrue(!killedAt.containsKey("a") && !killedAt.containsKey("c"), "only b was killed: " + killedAt.keySet());
        in.end();
        assertEquals(0, status.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b", "c"), started);
        assertEquals(3, killedAt.size(), "the end of the input kills every node left");
    }

    @Test
    void aNodeKilledBeforeItsTurnNeverStartsAndBadCommandsAreNamed() throws Exception {
        HostedWorkers h = new HostedWorkers((id, kill, up) -> {
            started.add(id);
            Thread.sleep(300); // slow to come up: the next start waits for it
            up.complete(null);
            kill.get(30, TimeUnit.SECONDS);
        });
        PipedCommands in = new PipedCommands();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> in.serve(h));
        in.send("start a");
        waitFor(() -> started.contains("a"));
        in.send("start b", "kill b", "kill zz", "jump a"); // b waits 300 ms for a to come up: killed before its turn
        in.end();
        int status = served.get(30, TimeUnit.SECONDS);
        assertEquals(2, status, "unknown commands are reported");
        assertEquals(List.of("a"), started, "b was killed while a was starting: it never ran");
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(done.getAsBoolean(), "timed out");
    }

    /** Commands written while the hosted workers serve them. */
    private static final class PipedCommands {
        private final java.io.PipedWriter out = new java.io.PipedWriter();
        private final java.io.PipedReader in;

        PipedCommands() throws java.io.IOException {
            in = new java.io.PipedReader(out);
        }

        int serve(HostedWorkers h) {
            try {
                return h.serve(new BufferedReader(in));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void send(String... lines) throws java.io.IOException {
            for (String l : lines) {
                out.write(l + "\n");
            }
            out.flush();
        }

        void end() throws java.io.IOException {
            out.close();
        }
    }
}
