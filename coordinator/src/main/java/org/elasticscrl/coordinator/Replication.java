package org.elasticscrl.coordinator;

import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.elasticscrl.protocol.CoordinatorProtocol.Command;

/**
 * The run state's replication to the coordinator nodes (Distributed Data, one LWW register):
 * stored with WriteMajority before a commit is announced, read with ReadMajority (falling back to
 * the local replica) when a coordinator starts. Outside a cluster (actor tests) it answers at once.
 * Answers arrive as {@link Loaded} and {@link Stored} messages.
 */
final class Replication {
    /** The replicated state ({@code null}: none), or why it could not be read. */
    record Loaded(RunState state, String problem) implements Command {}

    /** A store finished; {@code ok} false: not acknowledged by a majority within the timeout. */
    record Stored(boolean ok, String detail) implements Command {}

    private static final Key<LWWRegister<RunState>> KEY = LWWRegisterKey.create("scrl-run-state");

    private final ActorContext<Command> ctx;
    private final ReplicatorMessageAdapter<Command, LWWRegister<RunState>> adapter;
    private final SelfUniqueAddress node;
    private final Duration timeout;

    private Replication(ActorContext<Command> ctx, Duration timeout) {
        this.ctx = ctx;
        this.timeout = timeout;
        boolean clustered = ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster");
        if (clustered) {
            DistributedData dd = DistributedData.get(ctx.getSystem());
            this.adapter = new ReplicatorMessageAdapter<>(ctx, dd.replicator(), timeout.multipliedBy(2));
            this.node = dd.selfUniqueAddress();
        } else {
            this.adapter = null;
            this.node = null;
        }
    }

    static Replication of(ActorContext<Command> ctx, Duration timeout) {
        return new Replication(ctx, timeout);
    }

    boolean clustered() {
        return adapter != null;
    }

    /** Reads the state from a majority of coordinator nodes, or only this node's copy. */
    void load(boolean localOnly) {
        if (adapter == null) {
            ctx.getSelf().tell(new Loaded(null, null));
            return;
        }
        Replicator.ReadConsistency read = localOnly ? Replicator.readLocal() : new Replicator.ReadMajority(timeout);
        adapter.askGet(replyTo -> new Replicator.Get<>(KEY, read, replyTo), rsp -> {
            if (rsp instanceof Replicator.GetSuccess<LWWRegister<RunState>> ok) {
                return new Loaded(ok.get(KEY).getValue(), null);
            }
            if (rsp instanceof Replicator.NotFound) {
                return new Loaded(null, null);
            }
            return new Loaded(null, rsp.getClass().getSimpleName() + (localOnly ? " (local)" : " (majority)"));
        });
    }

    /** Stores {@code state} on a majority of coordinator nodes (this one alone when it is the only one). */
    void store(RunState state) {
        if (adapter == null) {
            ctx.getSelf().tell(new Stored(true, "local"));
            return;
        }
        adapter.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(node, state),
                new Replicator.WriteMajority(timeout), replyTo, current -> current.withValue(node, state)),
                rsp -> new Stored(rsp instanceof Replicator.UpdateSuccess, rsp.getClass().getSimpleName()));
    }
}
