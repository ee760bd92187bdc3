package org.elasticscrl.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The replicated run state is read from a peer's bytes: every length bounded, every failure a clear refusal. */
class BoundedRunStateTest {
    private final KryoBookkeepingSerializer serializer = new KryoBookkeepingSerializer();
    private final RunState state = new RunState("scrl_cpu_007", 1234, 5, 20_000, 2, 1.25e3, 640, false, 1000, 3,
            java.util.List.of(new RunState.Sums(1.2e3, 608), new RunState.Sums(1.1e3, 576)));
    private final RunState withoutEarlier = new RunState("scrl_cpu_007", 1234, 5, 20_000, 2, 1.25e3, 640, false, 1000, 3);

    @Test
    void roundTrips() throws Exception {
        byte[] bytes = serializer.toBinary(state);
        assertEquals(state, serializer.fromBinary(bytes, serializer.manifest(state)));
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeAnythingIsAllocated() {
        try (Output out = new Output(16)) {
            out.writeVarInt(1, true);
            out.writeVarInt(Integer.MAX_VALUE - 8, true); // 2 GiB "run id" in five bytes
            byte[] forged = out.toBytes();
            var e = assertThrows(NotSerializableException.class, () -> serializer.fromBinary(forged, "RS2"));
            assertTrue(e.getMessage().contains("declared"), e.getMessage());
        }
    }

    @Test
    void truncatedRandomAndMutatedBytesAreRefusedNeverThrownOtherwise() throws Exception {
        byte[] good = serializer.toBinary(state);
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = switch (i % 3) {
                case 0 -> Arrays.copyOf(good, rng.nextInt(good.length));
                case 1 -> {
                    byte[] r = new byte[rng.nextInt(64)];
                    rng.nextBytes(r);
                    yield r;
                }
                default -> {
                    byte[] m = good.clone();
                    m[rng.nextInt(m.length)] ^= (byte) (1 + rng.nextInt(255));
                    yield m;
                }
            };
            try {
                Object o = serializer.fromBinary(b, "RS2");
                assertTrue(o instanceof RunState); // a mutation that still parses is a run state, bounded
            } catch (NotSerializableException expected) {
                // refused with a reason
            }
        }
    }

    @Test
    void aNewerRecordWithMoreFieldsIsReadAsFarAsKnownAndTheOldLayoutIsRetired() throws Exception {
        byte[] good = serializer.toBinary(state);
        byte[] newer = Arrays.copyOf(good, good.length + 5);
        newer[0] = 4; // version 4, with a field this release does not know after the others
        assertEquals(state, serializer.fromBinary(newer, "RS2"));
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(good, "RS1"));
    }

    /** A standby of release 2 wrote no earlier sums: read as none (a roll-back past its last commit is then inexact). */
    @Test
    void aVersionTwoRecordHasNoEarlierSums() throws Exception {
        byte[] good = serializer.toBinary(withoutEarlier);
        byte[] older = Arrays.copyOf(good, good.length - 1); // without the count 0
        older[0] = 2;
        assertEquals(withoutEarlier, serializer.fromBinary(older, "RS2"));
    }

    @Test
    void aHugeDeclaredCountOfEarlierSumsIsRefused() throws Exception {
        byte[] good = serializer.toBinary(withoutEarlier);
        try (Output out = new Output(64)) {
            out.writeBytes(good, 0, good.length - 1);
            out.writeVarInt(BoundedRunState.MAX_EARLIER, true); // 4096 sums declared, none follow
            byte[] forged = out.toBytes();
            var e = assertThrows(NotSerializableException.class, () -> serializer.fromBinary(forged, "RS2"));
            assertTrue(e.getMessage().contains("earlier epoch sums declared"), e.getMessage());
        }
    }

    /** A standby of the first release wrote no layout: read as unknown (pinned again by the next commit). */
    @Test
    void aVersionOneRecordHasNoLayout() throws Exception {
        byte[] good = serializer.toBinary(withoutEarlier);
        byte[] older = Arrays.copyOf(good, good.length - 4); // without varint(1000), varint(3) and the count 0
        older[0] = 1;
        RunState s = (RunState) serializer.fromBinary(older, "RS2");
        assertEquals(new RunState("scrl_cpu_007", 1234, 5, 20_000, 2, 1.25e3, 640, false), s);
        assertEquals(null, s.layout());
        assertEquals(2, state.layout().length);
    }
}
