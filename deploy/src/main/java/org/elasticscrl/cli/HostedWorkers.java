package org.elasticscrl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Simulated worker nodes started and killed on command ({@code scrl worker --simulate … --hosted}): a churn replay
 * drives one such JVM per group of nodes through its standard input, so that a join costs an actor system's start,
 * not a JVM's — 19 JVMs starting at once on 2 cores starved the running workers until the cluster downed them.
 * Commands, a line each: {@code start ID}, {@code kill ID}; the end of the input kills every node left. Nodes start
 * one after the other (the next once the last one's actor system is up): 30 starting at once on 2 cores delayed every
 * node's heartbeats by seconds, and the cluster took the running ones for dead. A kill is carried out at once.
 */
final class HostedWorkers {
    /** One node's life: runs until it ends or {@code kill} completes. */
    interface Node {
        /** Runs node {@code id}; completes {@code up} once its actor system has started (or it ended). */
        void run(String id, CompletableFuture<Void> kill, CompletableFuture<Void> up) throws Exception;
    }

    /** How long a start may hold up the next one at most. */
    private static final long START_PATIENCE_S = 20;

    private final Node node;
    private final Map<String, CompletableFuture<Void>> kills = new LinkedHashMap<>();
    private final Map<String, Thread> threads = new LinkedHashMap<>();
    private final java.util.concurrent.ExecutorService starts = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> new Thread(r, "hosted-starts"));

    HostedWorkers(Node node) {
        this.node = node;
    }

    /** Serves commands until the input ends; 0 when every command was understood, else 2. */
    int serve(BufferedReader commands) throws IOException, InterruptedException {
        int status = 0;
        for (String line; (line = commands.readLine()) != null; ) {
            String[] c = line.trim().split("\\s+");
            if (c.length == 2 && c[0].equals("start") && !kills.containsKey(c[1])) {
                start(c[1]);
            } else if (c.length == 2 && c[0].equals("kill") && kills.containsKey(c[1])) {
                kills.get(c[1]).complete(null);
            } else if (!line.isBlank()) {
                System.err.println("hosted workers: '" + line + "' is not 'start ID' (a new id) or 'kill ID' (a started"
                        + " one); ignored");
                status = 2;
            }
        }
        kills.values().forEach(k -> k.complete(null));
        starts.shutdown();
        starts.awaitTermination(START_PATIENCE_S, java.util.concurrent.TimeUnit.SECONDS);
        synchronized (threads) {
            for (Thread t : threads.values()) {
                t.join();
            }
        }
        return status;
    }

    private void start(String id) {
        CompletableFuture<Void> kill = new CompletableFuture<>();
        kills.put(id, kill);
        starts.execute(() -> {
            if (kill.isDone()) {
                return; // killed before its turn came
            }
            CompletableFuture<Void> up = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    node.run(id, kill, up);
                } catch (Exception | Error e) {
                    System.err.println("hosted worker " + id + " ended with an error: " + e);
                } finally {
                    up.complete(null);
                }
            }, "hosted-" + id);
            synchronized (threads) {
                threads.put(id, t);
            }
            t.start();
            try {
                up.get(START_PATIENCE_S, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // slow to start: the next one starts anyway
            }
        });
    }
}
