package org.elasticscrl.coordinator;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.elasticscrl.protocol.Session;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * How the coordinator reaches one worker: its actor and its {@link Session}; everything told is sealed
 * in the session, so the worker acts only on what this coordinator sent it.
 */
final class WorkerLink {
    private final ActorRef<WorkerProtocol.Command> ref;
    private final Session session;
    private final String workerNonce;
    private final String coordinatorNonce;

    WorkerLink(ActorRef<WorkerProtocol.Command> ref, Session session, String workerNonce, String coordinatorNonce) {
        this.ref = ref;
        this.session = session;
        this.workerNonce = workerNonce;
        this.coordinatorNonce = coordinatorNonce;
    }

    void tell(WorkerProtocol.Command m) {
        ref.tell(session.seal(m));
    }

    ActorRef<WorkerProtocol.Command> ref() {
        return ref;
    }

    Session session() {
        return session;
    }

    /** The nonce of the registration that opened the session: a repeated registration keeps the session. */
    String workerNonce() {
        return workerNonce;
    }

    /** The coordinator's half of the session key, sent in the Welcome. */
    String coordinatorNonce() {
        return coordinatorNonce;
    }

    ActorPath path() {
        return ref.path();
    }

    @Override
    public String toString() {
        return ref.toString();
    }
}
