package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.elasticscrl.coordinator.Membership.Status;
import org.junit.jupiter.api.Test;

class MembershipTest {
    @Test
    void epochCountsChangesOfTheLeasingSetAndSpeedIsAnEwma() {
        Membership<String> m = new Membership<>(0.5);
        m.add("a", "ref-a", "cpu", 1 << 30, 2);
        m.add("b", "ref-b", "cpu", 1 << 30, 2);
        assertEquals(0, m.epoch());
        m.setStatus("a", Status.ACTIVE);
        m.setStatus("b", Status.ACTIVE);
        assertEquals(2, m.epoch());
        assertEquals(-1, m.get("a").orElseThrow().lastLeasedStep());
        m.leased("a", 7, 0);
        assertEquals(0, m.get("a").orElseThrow().lastLeasedStep());
        assertEquals(List.of("b"), m.available().stream().map(w -> w.id).toList());
        m.leaseDone("a", 100, 2.0);
        m.leaseDone("a", 300, 2.0);
        assertEquals(100.0, m.get("a").orElseThrow().speed(), 1e-9); // 0.5*50 + 0.5*150
        m.setStatus("b", Status.DRAINING);
        assertEquals(3, m.epoch());
        m.remove("b");
        assertEquals(4, m.epoch());
        m.task("a", "online_eval");
        assertEquals(List.of(), m.available());
    }

    @Test
    void deadlineFollowsSpeedWithinBounds() {
        DeadlinePolicy d = new DeadlinePolicy(10, 300, 4);
        assertEquals(300, d.seconds(64, 0));
        assertEquals(10, d.seconds(64, 1000));
        assertEquals(40, d.seconds(100, 10), 1e-9);
        assertEquals(300, d.seconds(10_000, 1));
    }
}
