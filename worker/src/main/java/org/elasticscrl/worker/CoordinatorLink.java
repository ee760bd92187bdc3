package org.elasticscrl.worker;

import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.Session;

/**
 * How a worker reaches the coordinator: its registration as it is (the handshake proves itself), and
 * everything after sealed in the session its last Welcome opened ({@link Session}). Jobs send from their
 * own thread, hence the volatile session.
 */
final class CoordinatorLink {
    private final ActorRef<CoordinatorProtocol.Command> coordinator;
    private volatile Session session;

    CoordinatorLink(ActorRef<CoordinatorProtocol.Command> coordinator) {
        this.coordinator = coordinator;
    }

    void register(CoordinatorProtocol.RegisterWorker m) {
        coordinator.tell(m);
    }

    /**
     * Sealed in the current session. Synchronized: the replica's thread and the transport's (an owner's reports)
     * both send, and each message must leave in the order of its session counter (the receiver's replay window is
     * bounded).
     */
    synchronized void tell(CoordinatorProtocol.Command m) {
        Session s = session;
        if (s == null) {
            throw new IllegalStateException("no session with the coordinator yet for " + m.getClass().getSimpleName());
        }
        coordinator.tell(s.seal(m));
    }

    /** The coordinator's nonce of the Welcome whose session is open. */
    private volatile String welcomeNonce;

    /** Opens the session of the Welcome that carried {@code nonce}. */
    void open(Session s, String nonce) {
        session = s;
        welcomeNonce = nonce;
    }

    /**
     * Whether a Welcome with {@code nonce} opens a session: none is open, or another one is. The coordinator keeps the
     * session of its newest welcome: a registration repeated after it dropped this worker (gone before its first
     * welcome arrived) is welcomed in a new session, and the old one's counters would refuse that session's first
     * messages.
     */
    boolean opens(String nonce) {
        return session == null || !nonce.equals(welcomeNonce);
    }

    Session session() {
        return session;
    }
}
