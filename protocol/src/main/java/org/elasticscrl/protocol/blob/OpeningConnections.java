package org.elasticscrl.protocol.blob;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Connections that have not finished their handshake yet, by the peer's address: a peer may hold at
 * most {@code perAddress} of them, so one host opening connections and never proving anything cannot
 * take the server's connection slots from the cluster's nodes (each opening one is also bounded in
 * time by the handshake deadline). A refused address is reported once until its openings drain.
 */
final class OpeningConnections {
    private final int perAddress;
    private final Map<InetAddress, Integer> opening = new HashMap<>();
    private final Map<InetAddress, Integer> refusedSinceReport = new HashMap<>();

    OpeningConnections(int perAddress) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("at least one opening connection per address must be allowed, not "
                    + perAddress);
        }
        this.perAddress = perAddress;
    }

    /** What {@link #open} decided: admitted, or refused (and whether this refusal is the first to report). */
    enum Admission { ADMITTED, REFUSED_REPORT, REFUSED_QUIET }

    /** A connection from {@code peer} starts its handshake. */
    synchronized Admission open(InetAddress peer) {
        int n = opening.getOrDefault(peer, 0);
        if (n >= perAddress) {
            int refused = refusedSinceReport.merge(peer, 1, Integer::sum);
            return refused == 1 ? Admission.REFUSED_REPORT : Admission.REFUSED_QUIET;
        }
        opening.put(peer, n + 1);
        return Admission.ADMITTED;
    }

    /** An admitted connection from {@code peer} finished its handshake (proved, refused or timed out). */
    synchronized void done(InetAddress peer) {
        Integer n = opening.get(peer);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            opening.remove(peer);
            refusedSinceReport.remove(peer); // drained: a new flood from it is reported again
        } else {
            opening.put(peer, n - 1);
        }
    }

    /** Openings under way from {@code peer}. */
    synchronized int opening(InetAddress peer) {
        return opening.getOrDefault(peer, 0);
    }
}
