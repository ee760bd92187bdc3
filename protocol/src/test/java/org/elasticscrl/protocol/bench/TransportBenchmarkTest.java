package org.elasticscrl.protocol.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keeps the benchmark runnable: tiny sizes, child JVMs and all; checks the sums, never the times. */
class TransportBenchmarkTest {
    @Test
    void runsWithChildJvmsAndSumsExactly() throws Exception {
        var result = TransportBenchmark.run(2, 100_003, 1, 16 << 10, 2);
        assertEquals("ok", result.sumCheck());
        assertTrue(result.aggregateMillis() > 0 && result.fetchThenSumMillis() > 0 && result.rawMillis() > 0
                && result.checkedMillis() > 0 && result.tlsMillis() > 0);
    }
}
