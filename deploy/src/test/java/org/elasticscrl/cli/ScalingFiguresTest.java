package org.elasticscrl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalingFiguresTest {
    @Test
    void theOptimalAllReduceMovesTwoPTimesNMinusOneOverN() {
        // ResNet-50 in bf16 among 8 nodes: 2 x 51.2 MB x 7/8 = 89.6 MB per node per step, 0.717 s at 1 Gb/s
        assertEquals(89.6e6, ScalingFigures.optimalBytes(25_600_000, 2, 8), 1);
        assertEquals(0.7168, ScalingFigures.optimalSeconds(25_600_000, 2, 8, 125e6), 1e-9);
        assertEquals(0, ScalingFigures.optimalBytes(1000, 4, 1), 0);
    }

    @Test
    void eachNodesMedianTrafficFromTheSteadySteps(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("traffic.csv");
        Files.writeString(csv, String.join("\n", "global_step,node,sent_bytes,received_bytes",
                "0,worker-0,9999,9999", // before the steady window: the joiner's state, JIT
                "3,worker-0,100,300", "3,coordinator,5,1", "4,worker-0,200,150", "5,worker-0,120,100",
                "4,worker-1,500,400", "")); // a row cut short by a crash would fail loudly: none here
        Map<String, Double> m = ScalingFigures.medianTraffic(csv, 3);
        assertEquals(Map.of("worker-0", 200.0, "coordinator", 5.0, "worker-1", 500.0), m);
        assertEquals(Map.entry("worker-1", 500.0), ScalingFigures.busiest(m));
        assertEquals(Map.entry("-", 0.0), ScalingFigures.busiest(Map.of()));
    }

    @Test
    void goneWorkersAndMissedDeadlinesFromTheMembershipRecord(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("membership.csv");
        Files.writeString(csv, String.join("\n", "unix_millis,global_step,membership_epoch,worker,event,detail",
                "1,0,1,worker-0,registered,cpu", "2,1,2,worker-1,gone,unreachable or downed",
                "3,1,2,worker-2,deadline-missed,lease 5 re-leased", "4,2,3,worker-0,deadline-missed,lease 9, again",
                "5,2,3,worker-3,shards,worker-3 gone: [0, 9)", ""));
        assertArrayEquals(new int[] {1, 2}, ScalingFigures.goneAndMissed(csv));
    }

    @Test
    void coresBusyFromTwoProcStatSamples() {
        long[] a = ScalingFigures.cpuJiffies("cpu  100 0 50 800 50 0 0 0 0 0");
        long[] b = ScalingFigures.cpuJiffies("cpu  250 0 100 850 50 0 0 0 0 0");
        assertEquals(150, a[0]);
        assertEquals(1000, a[1]);
        assertEquals(0.8, ScalingFigures.busyShare(a, b), 1e-12); // 200 busy of 250
        assertEquals(Double.NaN, ScalingFigures.busyShare(a, a));
        assertThrows(IllegalArgumentException.class, () -> ScalingFigures.cpuJiffies("intr 1 2 3"));
    }
}
