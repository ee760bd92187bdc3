package org.elasticscrl.coordinator;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for the coordinator's bookkeeping records, with Kryo 5: registered classes
 * only (an unknown class is refused, never instantiated), one pooled Kryo per thread of use.
 * A malformed payload is refused with {@link NotSerializableException}, which Pekko logs and drops.
 */
public final class KryoBookkeepingSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7276;
    private static final String RUN_STATE = "RS1";

    private final Pool<Kryo> pool = new Pool<>(true, false, 8) {
        @Override
        protected Kryo create() {
            Kryo k = new Kryo();
            k.setRegistrationRequired(true);
            k.register(RunState.class, 20);
            return k;
        }
    };

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof RunState) {
            return RUN_STATE;
        }
        throw new IllegalArgumentException("not a bookkeeping record: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        manifest(o);
        Kryo k = pool.obtain();
        try (Output out = new Output(128, -1)) {
            k.writeObject(out, o);
            return out.toBytes();
        } finally {
            pool.free(k);
        }
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!RUN_STATE.equals(manifest)) {
            throw new NotSerializableException("unknown bookkeeping manifest '" + manifest + "'");
        }
        Kryo k = pool.obtain();
        try (Input in = new Input(bytes)) {
            return k.readObject(in, RunState.class);
        } catch (RuntimeException e) {
            throw new NotSerializableException("malformed run state (" + bytes.length + " bytes): " + e.getMessage());
        } finally {
            pool.free(k);
        }
    }
}
