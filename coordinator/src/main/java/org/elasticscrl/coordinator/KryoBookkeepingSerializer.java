package org.elasticscrl.coordinator;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for the coordinator's bookkeeping records, with Kryo 5: registered classes
 * only (an unknown class is refused, never instantiated), one pooled Kryo per thread of use, and
 * {@link RunState} written field by field with a version tag and read with every declared length
 * checked against the bytes there are ({@link BoundedRunState}): Kryo's own string reader allocates
 * whatever length a peer declares, so a few forged bytes could exhaust a node's heap. A malformed
 * payload is refused with {@link NotSerializableException}, which Pekko logs and drops.
 * (Manifest {@code RS1}, the unbounded layout of earlier releases, is retired.)
 */
public final class KryoBookkeepingSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7276;
    private static final String RUN_STATE = "RS2";

    private final Pool<Kryo> pool = new Pool<>(true, false, 8) {
        @Override
        protected Kryo create() {
            Kryo k = new Kryo();
            k.setRegistrationRequired(true);
            k.register(RunState.class, new BoundedRunState(), 20);
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
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new NotSerializableException("malformed run state (" + bytes.length + " bytes): " + e.getMessage());
        } finally {
            pool.free(k);
        }
    }
}
