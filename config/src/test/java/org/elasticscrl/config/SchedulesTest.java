package org.elasticscrl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** LR and τ at step 0, end of warm-up, middle and last step equal REFERENCE §5 formulas. */
class SchedulesTest {
    private static final long SPE = 157; // the reference's steps per epoch at 32 x 256

    @Test
    void learningRateFollowsWarmupThenCosine() {
        TrainConfig train = ConfigLoader.load("scrl_200ep", List.of()).train();
        LrSchedule lr = LrSchedule.pretraining(train, SPE);
        double peak = 0.45 * 8192 / 256;
        assertEquals(14.4, peak, 1e-12);
        // step 0 already uses the lr of the first scheduler step: e = 1/157
        assertEquals(peak * (1.0 / SPE) / 10, lr.valueAt(0), 1e-12);
        // end of warm-up: e == 10 exactly
        long warmupEnd = 10 * SPE - 1;
        assertEquals(peak, lr.valueAt(warmupEnd), 1e-12);
        // one step later the cosine phase starts
        double e = (warmupEnd + 2) / (double) SPE;
        assertEquals(peak * (1 + Math.cos(Math.PI * (e - 10) / 190)) / 2, lr.valueAt(warmupEnd + 1), 1e-12);
        // middle of the cosine phase: e = 105 -> half the peak
        long middle = 105 * SPE - 1;
        assertEquals(peak / 2, lr.valueAt(middle), 1e-9);
        // last step: e = 200 -> 0
        long last = 200 * SPE - 1;
        assertEquals(0.0, lr.valueAt(last), 1e-12);
        assertEquals(200 * SPE, lr.totalSteps());
    }

    @Test
    void tauRisesFromBaseToOneByCosine() {
        TrainConfig train = ConfigLoader.load("scrl_200ep", List.of()).train();
        TauSchedule tau = TauSchedule.of(train, SPE);
        long total = 200 * SPE;
        assertEquals(0.97, tau.valueAt(0), 1e-15);
        assertEquals(1 - 0.03 * (Math.cos(Math.PI * 1570 / total) + 1) / 2, tau.valueAt(1570), 1e-15);
        assertEquals(0.985, tau.valueAt(total / 2), 1e-12);
        long last = total - 1;
        assertEquals(1 - 0.03 * (Math.cos(Math.PI * last / total) + 1) / 2, tau.valueAt(last), 1e-15);
        assertEquals(1.0, tau.valueAt(total), 1e-15);
    }

    @Test
    void schedulesDependOnlyOnTheGlobalStep() {
        TrainConfig train = ConfigLoader.load("scrl_cpu", List.of()).train();
        LrSchedule a = LrSchedule.pretraining(train, 100);
        LrSchedule b = LrSchedule.pretraining(train, 100);
        for (long k = 0; k < 1000; k += 37) {
            assertEquals(a.valueAt(k), b.valueAt(k));
        }
    }
}
