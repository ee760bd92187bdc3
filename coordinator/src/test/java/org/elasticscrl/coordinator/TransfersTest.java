package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.elasticscrl.coordinator.CoordinatorHarness.Fake;
import org.elasticscrl.protocol.WorkerProtocol.Commit;
import org.elasticscrl.protocol.WorkerProtocol.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Summed contributions stream into the step's sum while they arrive (the default for GPU presets): a
 * transfer that breaks off counts for nothing, one that breaks off after adding spoils the sum and every
 * other contribution is summed again, and the next step sums into the same array without zeroing it.
 * Payloads are fed to the coordinator 5 bytes at a time ({@link MemoryTensors}).
 */
class TransfersTest {
    private static ActorTestKit kit;
    @TempDir
    Path dir;
    private CoordinatorHarness h;

    @BeforeAll
    static void up() {
        kit = ActorTestKit.create();
    }

    @AfterAll
    static void down() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private record Leased(Fake worker, Lease lease) {}

    @Test
    void aBrokenTransferCountsNothingAndASpoiltSumIsSummedAgain() {
        // 4 chunks of 8 per step (3 steps an epoch); summed contributions stream into the sum
        h = new CoordinatorHarness(kit, dir, 96, "--train/chunk_size=8", "--train/batch_size_train=32",
                "--train/max_epochs=2", "--train/warmup_epochs=1", "--cluster/min_workers=2",
                "--cluster/canonical_sum=false");
        Fake[] w = h.two();
        Fake a = w[0];
        Fake b = w[1];
        Lease la = a.lease();
        Lease lb = b.lease();
        var a1 = h.answer(a, la);
        h.send(a1);
        // b's transfer breaks off inside the payload's header: nothing was added, only b's chunks go back
        var b1 = h.answer(b, lb);
        h.tensors.breakAfter.put(b1.blob().id(), 10);
        h.send(b1);
        List<Leased> again = leasesCovering(lb.chunks(), w);
        assertEquals(1, h.tensors.streams.get(a1.blob().id()), "a's gradient was summed once");
        // the last answer breaks off after its header and one value (20 + 4 bytes): the sum is spoilt
        for (int i = 0; i < again.size(); i++) {
            var r = h.answer(again.get(i).worker(), again.get(i).lease());
            if (i == again.size() - 1) {
                h.tensors.breakAfter.put(r.blob().id(), 24);
            }
            h.send(r);
        }
        List<Leased> last = leasesCovering(again.get(again.size() - 1).lease().chunks(), w);
        h.events("transfer-failed", 2);
        assertEquals(2, h.tensors.streams.get(a1.blob().id()), "a's gradient streamed again into a fresh sum");
        last.forEach(l -> h.send(h.answer(l.worker(), l.lease())));
        Commit c = a.commit();
        assertEquals(c, b.commit());
        h.checkUpdate(c, 1, List.of(0, 1, 2, 3)); // each chunk once: nothing of the broken transfers
        assertEquals(Set.of(0, 1, 2, 3), h.commits(1).get(0).chunks().keySet());
        // the next steps sum into step 0's array, not zeroed: only their own chunks count
        for (int step = 1; step < 3; step++) {
            List<Integer> chunks = List.of(4 * step, 4 * step + 1, 4 * step + 2, 4 * step + 3);
            leasesCovering(chunks, w).forEach(l -> h.send(h.answer(l.worker(), l.lease())));
            Commit next = a.commit();
            assertEquals(step, next.step());
            h.checkUpdate(next, 1, chunks);
        }
    }

    /** Leases (to whichever of {@code w}) until together they hold {@code chunks}. */
    private static List<Leased> leasesCovering(List<Integer> chunks, Fake[] w) {
        List<Leased> got = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        long until = System.nanoTime() + CoordinatorHarness.WAIT.toNanos();
        while (!held.equals(chunks) && System.nanoTime() < until) {
            for (Fake f : w) {
                try {
                    Lease l = f.probe().expectMessageClass(Lease.class, Duration.ofMillis(50));
                    got.add(new Leased(f, l));
                    held.addAll(l.chunks());
                    held.sort(null);
                } catch (AssertionError nothingYet) {
                    // this worker got no lease (yet)
                }
            }
        }
        assertEquals(chunks, held, "chunks leased");
        return got;
    }
}
