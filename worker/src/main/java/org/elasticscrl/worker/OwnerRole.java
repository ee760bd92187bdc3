package org.elasticscrl.worker;

import java.util.HashSet;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.WorkerProtocol;
import org.elasticscrl.worker.shard.ShardOwner;

/**
 * The coordinator's orders to this worker as a shard owner, answered as they complete — off the replica's thread, so
 * summing a shard overlaps computing the next lease.
 */
final class OwnerRole {
    private final String workerId;
    private final ShardOwner owner;
    private final CoordinatorLink coordinator;
    /** Commits whose shard means stay served after they are applied (cluster.replay_steps). */
    private final int keptMeans;

    OwnerRole(String workerId, Tensors tensors, boolean canonical, int keptMeans, CoordinatorLink coordinator) {
        this.workerId = workerId;
        this.keptMeans = keptMeans;
        this.owner = new ShardOwner(tensors, canonical);
        this.coordinator = coordinator;
    }

    /** An {@link WorkerProtocol.AddToShard}, {@link WorkerProtocol.SealShard} or {@link WorkerProtocol.CopyShardMean}. */
    void order(WorkerProtocol.ShardOrder m) {
        if (m instanceof WorkerProtocol.AddToShard a) {
            owner.add(new ShardOwner.Key(a.step(), a.shard(), a.generation()), a.elements(), a.lease(), a.slice(),
                    a.chunks()).whenComplete((ok, e) -> {
                        ShardOwner.Failure f = e == null ? null : failure(e);
                        coordinator.tell(new CoordinatorProtocol.ShardAdded(workerId, a.step(), a.shard(), a.generation(),
                                a.lease(), f == null ? "" : f.why(), f != null && f.invalid(), f != null && f.spoilt()));
                    });
        } else if (m instanceof WorkerProtocol.SealShard s) {
            var key = new ShardOwner.Key(s.step(), s.shard(), s.generation());
            CoordinatorProtocol.ShardSealed answer;
            try {
                answer = new CoordinatorProtocol.ShardSealed(workerId, s.step(), s.shard(), s.generation(), s.leases(),
                        owner.seal(key, new HashSet<>(s.leases()), s.scale()), "");
            } catch (RuntimeException e) {
                answer = new CoordinatorProtocol.ShardSealed(workerId, s.step(), s.shard(), s.generation(), s.leases(),
                        null, String.valueOf(e.getMessage()));
            }
            coordinator.tell(answer);
        } else if (m instanceof WorkerProtocol.CopyShardMean c) {
            owner.copy(new ShardOwner.Key(c.step(), c.shard(), c.generation()), c.mean()).whenComplete((copy, e) ->
                    coordinator.tell(new CoordinatorProtocol.ShardMeanCopied(workerId, c.step(), c.shard(),
                            c.generation(), copy, e == null ? "" : String.valueOf(rootCause(e)))));
        }
    }

    private static Throwable rootCause(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Step {@code step} is applied here: the sums of it and earlier steps are done with. */
    void applied(long step) {
        owner.forgetThrough(step, keptMeans);
    }

    /** This incarnation ends: no sum kept, no mean served. */
    void forgetAll() {
        owner.forgetAll();
    }

    private static ShardOwner.Failure failure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ShardOwner.AddFailed f) {
                return f.failure();
            }
        }
        return new ShardOwner.Failure(String.valueOf(e), false, false);
    }
}
