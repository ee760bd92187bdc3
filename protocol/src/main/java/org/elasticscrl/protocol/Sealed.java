package org.elasticscrl.protocol;

import java.util.Arrays;

/**
 * A message between a worker and the coordinator inside the worker's {@link Session}: the inner message's
 * bytes ({@code manifest} names its type), a counter per direction and an HMAC of all of it under the
 * session key. The serializer reads {@code inner} from {@code body}; the receiving actor's session checks
 * {@code mac} and {@code counter} before the inner message is acted on.
 */
public record Sealed(String session, long counter, boolean toCoordinator, String manifest, byte[] body, byte[] mac,
        WireMessage inner) implements CoordinatorProtocol.Command, WorkerProtocol.Command {
    @Override
    public boolean equals(Object o) {
        return o instanceof Sealed s && session.equals(s.session) && counter == s.counter
                && toCoordinator == s.toCoordinator && manifest.equals(s.manifest) && Arrays.equals(body, s.body)
                && Arrays.equals(mac, s.mac);
    }

    @Override
    public int hashCode() {
        return 31 * session.hashCode() + Long.hashCode(counter) + Arrays.hashCode(mac);
    }

    @Override
    public String toString() {
        return "Sealed[" + session + " #" + counter + (toCoordinator ? " to coordinator: " : " to worker: ") + inner + "]";
    }
}
