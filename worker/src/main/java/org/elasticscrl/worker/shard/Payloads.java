package org.elasticscrl.worker.shard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.WorkerProtocol;

/**
 * How a worker's contributions leave it and the updates it applies reach it: one payload, summed by the coordinator,
 * or — with sharded aggregation — one slice per shard for the shard's owner, and an update put together from every
 * shard's mean. A contribution is served until its step is committed (an owner that takes a lost owner's shard
 * fetches it again until then).
 */
public final class Payloads {
    /** A published contribution: one payload ({@code blob}) or one slice per shard ({@code slices}). */
    public record Published(BlobRef blob, List<BlobRef> slices) {}

    private final Tensors tensors;
    /** Contributions served until their step is committed, with their step. Used on the replica's thread only. */
    private final Map<BlobRef, Long> served = new LinkedHashMap<>();

    public Payloads(Tensors tensors) {
        this.tensors = tensors;
    }

    /**
     * Publishes a contribution to {@code step} — (gradient, statistics) pairs, one per chunk in canonical mode — cut at
     * {@code shardCuts} (empty: in one payload).
     */
    public Published publish(long step, List<Integer> shardCuts, float[][] parts) {
        Published p = shardCuts.isEmpty() ? new Published(tensors.publish(parts), List.of())
                : new Published(null, ShardSlices.publish(tensors, shardCuts.stream().mapToInt(Integer::intValue)
                        .toArray(), parts));
        if (p.blob() != null) {
            served.put(p.blob(), step);
        }
        p.slices().forEach(s -> served.put(s, step));
        return p;
    }

    /**
     * A commit's update as {@code {gradient, statistics}}: its one payload, or its shards' means put together
     * ({@code gradientLength}: the replica's gradient, which comes first), each from its owner or, that failing, from
     * the worker that keeps its copy.
     */
    public CompletableFuture<float[][]> update(WorkerProtocol.Commit m, int gradientLength) {
        if (m.updateShards().isEmpty()) {
            return tensors.fetchArrays(m.update());
        }
        List<CompletableFuture<float[][]>> shards = new ArrayList<>();
        for (int i = 0; i < m.updateShards().size(); i++) {
            BlobRef mean = m.updateShards().get(i);
            BlobRef backup = i < m.updateBackups().size() ? m.updateBackups().get(i) : mean;
            // the copy this worker keeps is read in place (so keeping it cost no extra byte); else the owner's mean
            // and, the owner gone since the commit, the copy another owner kept before the step committed
            BlobRef first = tensors.serves(backup) ? backup : mean;
            BlobRef second = first.equals(mean) ? backup : mean;
            shards.add(first.equals(second) ? tensors.fetchArrays(first)
                    : tensors.fetchArrays(first).exceptionallyCompose(e -> tensors.fetchArrays(second)));
        }
        return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<float[]> means = new ArrayList<>();
            for (CompletableFuture<float[][]> s : shards) {
                float[][] parts = s.join();
                if (parts.length != 1) {
                    throw new IllegalArgumentException("a shard's mean has " + parts.length + " parts, not 1");
                }
                means.add(parts[0]);
            }
            return ShardSlices.assemble(means, gradientLength);
        });
    }

    /** Step {@code step} is committed: its contributions and earlier ones are no longer served. */
    public void committed(long step) {
        served.entrySet().removeIf(e -> {
            if (e.getValue() <= step) {
                tensors.forget(e.getKey());
                return true;
            }
            return false;
        });
    }

    /** Stops serving every contribution. */
    public void forgetAll() {
        served.keySet().forEach(tensors::forget);
        served.clear();
    }
}
