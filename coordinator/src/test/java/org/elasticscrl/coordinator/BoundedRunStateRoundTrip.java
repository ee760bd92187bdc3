package org.elasticscrl.coordinator;

/** A run state as a standby reads it: through the wire serializer. */
final class BoundedRunStateRoundTrip {
    private BoundedRunStateRoundTrip() {}

    static RunState of(RunState s) {
        try {
            var serializer = new KryoBookkeepingSerializer();
            return (RunState) serializer.fromBinary(serializer.toBinary(s), serializer.manifest(s));
        } catch (java.io.NotSerializableException e) {
            throw new AssertionError(e);
        }
    }
}
