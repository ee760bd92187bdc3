package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees and orders, at the message level: status and workers while a step runs,
 * pause (the step under way commits, the next waits) and resume (it starts), a durable checkpoint
 * on demand, drain, and a clear refusal of what the coordinator does not know.
 */
class OperatorsTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private CoordinatorHarness h;

    @AfterAll
    static void down() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private JsonNode ask(String command, String argument, boolean ok) throws Exception {
        var a = h.ask(command, argument);
        assertEquals(ok, a.ok(), command + ": " + a.json());
        return JSON.readTree(a.json());
    }

    /** Both workers answer their lease of the step under way. */
    private void computeStep(Fake a, Fake b) {
        for (Fake w : new Fake[] {a, b}) {
            Lease l = w.lease();
            h.send(h.answer(w, l));
        }
        a.commit();
        b.commit();
    }

    @Test
    void statusWorkersPauseResumeCheckpointAndDrain() throws Exception {
        h = new CoordinatorHarness(KIT, dir, 96, "--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2");
        Fake a = h.register("w-0");
        Fake b = h.register("w-1");
        h.ready(a);
        h.ready(b);
        a.expect(WorkerProtocol.SyncFrom.class);
        b.expect(WorkerProtocol.SyncFrom.class);

        Lease first = a.lease();
        JsonNode status = ask("status", "", true);
        assertEquals("training", status.get("state").asText());
        assertEquals(0, status.get("step").asInt());
        assertEquals(6, status.get("total_steps").asInt());
        assertTrue(status.get("waiting_on").asText().contains("at w-0"), status.toString());
        h.send(h.answer(a, first));
        h.send(h.answer(b, b.lease()));
        a.commit();
        b.commit();

        JsonNode workers = ask("workers", "", true).get("workers");
        assertEquals(2, workers.size());
        double shares = 0;
        for (JsonNode w : workers) {
            assertEquals("active", w.get("status").asText());
            assertTrue(w.get("samples_per_second").asDouble() > 0, w.toString());
            shares += w.get("lease_share").asDouble();
        }
        assertEquals(1.0, shares, 1e-9, "lease shares of the active workers");

        ask("pause", "", true);
        computeStep(a, b); // step 1 was under way: it commits
        a.probe().expectNoMessage(Duration.ofMillis(300));
        status = ask("status", "", true);
        assertEquals("paused", status.get("state").asText());
        assertEquals(1, status.get("committed_step").asInt());
        assertTrue(status.get("waiting_on").asText().startsWith("resume"), status.toString());

        JsonNode cp = ask("checkpoint", "", true);
        assertEquals("being written", cp.get("checkpoint").asText());
        assertEquals(1, a.expect(WorkerProtocol.SaveCheckpoint.class).step(), "a copy of the paused state");
        assertEquals(1, b.expect(WorkerProtocol.SaveCheckpoint.class).step());

        ask("resume", "", true);
        Lease resumed = a.lease();
        assertEquals(2, resumed.step(), "the run goes on at the step it paused before");
        h.send(h.answer(a, resumed));
        Lease held = b.lease();
        assertEquals("draining", ask("drain", "w-1", true).get("status").asText(), "it still holds a lease");
        h.send(h.answer(b, held));
        b.commit();
        b.expect(WorkerProtocol.Release.class);
        assertTrue(ask("drain", "w-9", false).get("error").asText().contains("no active worker 'w-9'"));
        assertTrue(ask("teleport", "", false).get("error").asText().contains("unknown command 'teleport'"));
        JsonNode ledger = ask("ledger", "", true);
        assertEquals(3, ledger.get("steps_per_epoch").asInt());
        JsonNode history = ask("history", "", true).get("events");
        assertTrue(history.toString().contains("\"event\":\"paused\"") && history.toString().contains("\"resumed\""),
                history.toString());
        assertFalse(ask("checkpoints", "", true).get("manifest").get("checkpoints").isEmpty());
    }
}
