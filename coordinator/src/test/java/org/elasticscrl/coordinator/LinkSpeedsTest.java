package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkSpeedsTest {
    private static final long SECOND = 1_000_000_000L;

    /** Reports {@code id} moving {@code mb} MB each way in {@code seconds} of busy time, {@code times} times. */
    private static void report(LinkSpeeds l, String id, double mbPerSecond, int times) {
        for (int i = 0; i <= times; i++) {
            long bytes = (long) (i * mbPerSecond * 1e6);
            l.applied(id, bytes, bytes / 2, i * SECOND, i * SECOND);
        }
    }

    @Test
    void aLinksRateIsItsBusierDirectionsBytesOverBusyTimeSmoothed() {
        LinkSpeeds l = new LinkSpeeds();
        l.applied("a", 0, 0, 0, 0);
        assertEquals(0, l.bytesPerSecond("a"), "one report is a baseline only");
        l.applied("a", 100_000_000, 10_000_000, SECOND, SECOND / 2);
        assertEquals(100e6, l.bytesPerSecond("a"), 1e-3, "sending: 100 MB in 1 s; receiving 10 MB in 0.5 s");
        l.applied("a", 100_000_000, 210_000_000, SECOND, SECOND / 2 + SECOND);
        assertEquals(0.7 * 100e6 + 0.3 * 200e6, l.bytesPerSecond("a"), 1e-3, "200 MB/s received, smoothed");
        double before = l.bytesPerSecond("a");
        l.applied("a", 100_000_100, 210_000_100, SECOND + 1_000, SECOND / 2 + SECOND + 1_000);
        assertEquals(before, l.bytesPerSecond("a"), "control messages alone say nothing of the link");
        l.applied("a", 5, 5, 5, 5);
        l.applied("a", 5 + 50_000_000, 5, 5 + SECOND, 5);
        assertEquals(0.7 * before + 0.3 * 50e6, l.bytesPerSecond("a"), 1e-3,
                "totals that went back (a new JVM) are a new baseline, not a negative rate");
        l.forget("a");
        assertEquals(0, l.bytesPerSecond("a"));
    }

    @Test
    void linksWithinAFactorOfTwoOfTheMedianShareEquallyOthersByPowersOfTwo() {
        LinkSpeeds l = new LinkSpeeds();
        report(l, "a", 120, 3);
        report(l, "b", 100, 3);
        report(l, "c", 60, 3); // 0.6 of the median: within a factor of two
        report(l, "d", 1_250, 3); // 10 Gb/s beside 1 Gb/s ones: 12.5 times the median
        report(l, "e", 12, 3); // a tenth of it
        var shares = l.shares(List.of("a", "b", "c", "d", "e", "new"));
        assertEquals(Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 8.0, "e", 0.125, "new", 1.0), shares,
                "d: 2^3 (rounded toward 1 from 2^3.6); e: 2^-3; a link not measured yet counts as the median");
        assertEquals(Map.of("a", 1.0, "b", 1.0), new LinkSpeeds().shares(List.of("a", "b")), "nothing measured: equal");
    }
}
