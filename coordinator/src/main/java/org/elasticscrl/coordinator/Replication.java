package org.elasticscrl.coordinator;

import java.time.Duration;
import java.util.function.BooleanSupplier;
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
 * stored with WriteMajority before a commit is announced (again and again until a majority holds
 * it), read with ReadMajority (again until a majority answers, never this node's copy alone) when a
 * coordinator starts. Outside a cluster (actor tests) it answers at once.
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
    private final BooleanSupplier majorityReachable;
    /** The state being stored, until a majority acknowledges it; attempts so far and since when. */
    private RunState pending;
    private int attempts;
    private long since;

    private Replication(ActorContext<Command> ctx, Duration timeout, BooleanSupplier majorityReachable) {
        this.ctx = ctx;
        this.timeout = timeout;
        this.majorityReachable = majorityReachable;
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

    /** {@code majorityReachable}: a fault-injection seam; while false, every read and store fails after the timeout. */
    static Replication of(ActorContext<Command> ctx, Duration timeout, BooleanSupplier majorityReachable) {
        return new Replication(ctx, timeout, majorityReachable);
    }

    boolean clustered() {
        return adapter != null;
    }

    /** Reads the state from a majority of coordinator nodes. */
    void load() {
        if (!majorityReachable.getAsBoolean()) {
            ctx.scheduleOnce(timeout, ctx.getSelf(), new Loaded(null, "cut off from the majority (fault injected)"));
            return;
        }
        if (adapter == null) {
            ctx.getSelf().tell(new Loaded(null, null));
            return;
        }
        adapter.askGet(replyTo -> new Replicator.Get<>(KEY, new Replicator.ReadMajority(timeout), replyTo), rsp -> {
            if (rsp instanceof Replicator.GetSuccess<LWWRegister<RunState>> ok) {
                return new Loaded(ok.get(KEY).getValue(), null);
            }
            if (rsp instanceof Replicator.NotFound) {
                return new Loaded(null, null);
            }
            return new Loaded(null, rsp.getClass().getSimpleName());
        });
    }

    /** Stores {@code state} on a majority of coordinator nodes (this one alone when it is the only one). */
    void store(RunState state) {
        pending = state;
        attempts = 1;
        since = System.nanoTime();
        send(state);
    }

    /**
     * The last store was not acknowledged by a majority: store the same state again. What waits for
     * it (a commit's announcement, the run's end) keeps waiting — announcing a step that a standby
     * may not hold would let a takeover resume from an older step and roll replicas back. The
     * majority is of the coordinator nodes the cluster still counts: one that died is removed by
     * the split-brain resolver, after which the survivors' majority acknowledges.
     */
    void retry(Stored failed, Roster roster) {
        attempts++;
        if (attempts == 2) {
            roster.event("coordinator", "replication-held", "the run state after step " + pending.committedStep()
                    + " is not stored by a majority of coordinator nodes (" + failed.detail() + "): its commit waits");
        }
        if (attempts == 2 || attempts % 10 == 0) {
            ctx.getLog().warn("run state after step {} not acknowledged by a majority of coordinator nodes ({}): "
                    + "storing it again (attempt {}); the step is announced once a majority holds it",
                    pending.committedStep(), failed.detail(), attempts);
        }
        send(pending);
    }

    /** What the run waits for while a store is retried, in words; null when nothing is. */
    String waitingFor() {
        if (pending == null || attempts < 2) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "a majority of coordinator nodes to store the run state after step %d"
                + " (%d attempts, %.0f s)", pending.committedStep(), attempts, (System.nanoTime() - since) / 1e9);
    }

    /** A store was acknowledged: nothing waits. */
    void acknowledged(Roster roster) {
        if (attempts >= 2) {
            roster.event("coordinator", "replication-restored", String.format(java.util.Locale.ROOT,
                    "the run state after step %d is stored by a majority after %d attempts, %.1f s",
                    pending.committedStep(), attempts, (System.nanoTime() - since) / 1e9));
        }
        pending = null;
        attempts = 0;
    }

    private void send(RunState state) {
        if (!majorityReachable.getAsBoolean()) {
            ctx.scheduleOnce(timeout, ctx.getSelf(), new Stored(false, "cut off from the majority (fault injected)"));
            return;
        }
        if (adapter == null) {
            ctx.getSelf().tell(new Stored(true, "local"));
            return;
        }
        adapter.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(node, state),
                new Replicator.WriteMajority(timeout), replyTo, current -> current.withValue(node, state)),
                rsp -> new Stored(rsp instanceof Replicator.UpdateSuccess, rsp.getClass().getSimpleName()));
    }
}
