package org.elasticscrl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How a campaign's worker JVMs ended, for its audit: killed (SIGKILL: a machine taken back, never started again),
 * power-cut (started again under its id once the cut JVM is gone), or told to leave (SIGTERM: it must end, not rejoin).
 */
final class ChaosExits {
    /** Power-cut workers not started again yet: the cut JVM, by id. */
    private final Map<String, Process> cutOff = new LinkedHashMap<>();
    /** Power-cut workers started again (their leftover goes once they are welcomed to the run). */
    private final List<String> returned = new ArrayList<>();
    private final List<String> killed = new ArrayList<>();
    /** Workers told to leave (a leave fault, a quarantined worker retired): the JVM, by id. */
    private final Map<String, Process> leavers = new LinkedHashMap<>();

    void killed(String id) {
        killed.add(id);
    }

    void cutOff(String id, Process p) {
        cutOff.put(id, p);
    }

    void toldToLeave(String id, Process p) {
        leavers.put(id, p);
    }

    /** Power-cut workers whose cut JVM has ended, now started again (by the caller) under their id. */
    List<String> backFromPowerCut() {
        List<String> back = new ArrayList<>();
        for (var e : List.copyOf(cutOff.entrySet())) {
            if (!e.getValue().isAlive()) {
                cutOff.remove(e.getKey());
                returned.add(e.getKey());
                back.add(e.getKey());
            }
        }
        return back;
    }

    /**
     * Workers whose killed write's temporary may remain in their copies: killed, or power-cut and not started again
     * or not welcomed to the run since (its log in {@code dir} says).
     */
    List<String> goneForGood(Path dir) throws IOException {
        List<String> out = new ArrayList<>(cutOff.keySet());
        out.addAll(killed);
        for (String id : returned) {
            Path log = dir.resolve(id + ".log");
            if (!Files.exists(log) || !Files.readString(log).contains("welcomed to run")) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Workers told to leave whose JVM still runs {@code graceSeconds} after the campaign (then stopped): a worker that
     * rejoins after a SIGTERM instead of ending — the fault is the JVM left behind, which this names.
     */
    List<String> leaversStillRunning(long graceSeconds) throws InterruptedException {
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(graceSeconds);
        for (var e : leavers.entrySet()) {
            Process p = e.getValue();
            if (!p.waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                out.add(e.getKey());
                p.destroyForcibly();
            }
        }
        return out;
    }
}
