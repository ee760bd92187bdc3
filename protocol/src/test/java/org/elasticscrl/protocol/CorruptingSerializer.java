package org.elasticscrl.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.elasticscrl.protocol.CoordinatorProtocol.WorkerFailed;
import org.elasticscrl.protocol.proto.ScrlProto;

/**
 * A faulty node's serializer, for tests: bound in place of {@code scrl} (same identifier), it sends
 * {@code WorkerFailed("corrupt", mode, …)} as broken bytes — {@code truncate}, {@code garbage},
 * {@code empty}, {@code version} (protocol version 9) — and everything else as it should.
 */
public final class CorruptingSerializer extends SerializerWithStringManifest {
    private final ScrlMessageSerializer real;

    public CorruptingSerializer(ExtendedActorSystem system) {
        this.real = new ScrlMessageSerializer(system);
    }

    @Override
    public int identifier() {
        return ScrlMessageSerializer.IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return real.manifest(o);
    }

    @Override
    public byte[] toBinary(Object o) {
        byte[] good = real.toBinary(o);
        if (!(o instanceof WorkerFailed f) || !f.workerId().equals("corrupt")) {
            return good;
        }
        return switch (f.what()) {
            case "truncate" -> Arrays.copyOf(good, good.length / 2);
            case "garbage" -> "\u00ff\u00ffnot protobuf at all".getBytes(StandardCharsets.ISO_8859_1);
            case "empty" -> new byte[0];
            case "version" -> ScrlProto.WorkerFailed.newBuilder().setWorkerId("corrupt").setWhat("version")
                    .setProtocolVersion(9).build().toByteArray();
            default -> throw new IllegalArgumentException("unknown corruption " + f.what());
        };
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws java.io.NotSerializableException {
        return real.fromBinary(bytes, manifest);
    }
}
