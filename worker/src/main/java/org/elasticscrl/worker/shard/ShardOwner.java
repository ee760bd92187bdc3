package org.elasticscrl.worker.shard;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.Tensors;
import org.elasticscrl.protocol.tensor.InvalidPayloadException;
import org.elasticscrl.protocol.tensor.PayloadSummer;
import org.elasticscrl.protocol.tensor.StreamingSum;

/**
 * A worker's part in sharded aggregation as an owner: it adds the contributions' slices of the shards the coordinator
 * gives it — fetched from their contributors while they arrive, on the transport's threads, so computing goes on —
 * and publishes each shard's mean when the coordinator seals it. A sum is kept per (step, shard, generation): a
 * generation the coordinator discarded is simply never sealed.
 *
 * <p>Summed mode streams each slice into the sum while it arrives (no slice held whole). Canonical mode keeps each
 * chunk's slice and adds them in chunk order at the seal, element by element the order of a single process — so the
 * shard's mean has the bits the coordinator's canonical sum had for those elements.
 */
public final class ShardOwner {
    /** One shard sum. */
    public record Key(long step, int shard, int generation) {}

    /** Why an add failed: {@code invalid} the contributor's fault; {@code spoilt} part of it reached the sum. */
    public record Failure(String why, boolean invalid, boolean spoilt) {}

    /** An add that failed; {@link #failure()} says how. */
    public static final class AddFailed extends RuntimeException {
        private final transient Failure failure;

        AddFailed(Failure failure, Throwable cause) {
            super(failure.why(), cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private final class Sum {
        final int elements;
        final Set<Long> added = new TreeSet<>();
        final StreamingSum streaming;
        /** Canonical mode: each chunk's slice, by chunk. */
        final Map<Integer, float[]> perChunk = new TreeMap<>();
        boolean spoilt;

        Sum(int elements) {
            this.elements = elements;
            this.streaming = canonical ? null : new StreamingSum(h -> {
                if (h.parts() != 1 || h.elements() != elements) {
                    throw new InvalidPayloadException("a slice of a shard of " + elements + " elements has parts "
                            + java.util.Arrays.toString(h.lengths()));
                }
            });
        }
    }

    private final Tensors tensors;
    private final boolean canonical;
    private final Map<Key, Sum> sums = new ConcurrentHashMap<>();
    /** Means published, served to replicas (and to ones catching up) until forgotten. */
    private final Map<Key, BlobRef> means = new ConcurrentHashMap<>();
    /** Copies of other owners' means kept as their backups, served the same way. */
    private final Map<Key, BlobRef> copies = new ConcurrentHashMap<>();

    public ShardOwner(Tensors tensors, boolean canonical) {
        this.tensors = tensors;
        this.canonical = canonical;
    }

    /**
     * Adds contribution {@code lease}'s slice of the shard at {@code key} ({@code elements} long); {@code chunks}: the
     * lease's chunks in lease order (canonical mode: one part each). Completes when added, or fails with
     * {@link AddFailed}.
     */
    public CompletableFuture<Void> add(Key key, int elements, long lease, BlobRef slice, List<Integer> chunks) {
        Sum sum = sums.computeIfAbsent(key, k -> new Sum(elements));
        if (sum.elements != elements) {
            return CompletableFuture.failedFuture(new AddFailed(new Failure("shard " + key + " has " + sum.elements
                    + " elements, not " + elements, false, false), null));
        }
        if (canonical) {
            return tensors.fetchArrays(slice).handle((parts, e) -> {
                if (e != null) {
                    throw failed(e, false);
                }
                keep(sum, key, lease, parts, chunks);
                return null;
            });
        }
        PayloadSummer summer = sum.streaming.summer(slice.bytes());
        return tensors.stream(slice, summer::accept).handle((n, e) -> {
            try {
                if (e == null) {
                    summer.finish();
                }
            } catch (IllegalArgumentException truncated) {
                e = truncated;
            }
            synchronized (sum) {
                if (e != null) {
                    sum.spoilt |= summer.added() > 0;
                    throw failed(e, summer.added() > 0);
                }
                sum.added.add(lease);
            }
            return null;
        });
    }

    private void keep(Sum sum, Key key, long lease, float[][] parts, List<Integer> chunks) {
        if (parts.length != chunks.size()) {
            throw new AddFailed(new Failure("a slice for " + chunks.size() + " chunks has " + parts.length + " parts",
                    true, false), null);
        }
        for (int i = 0; i < parts.length; i++) {
            float[] p = parts[i];
            if (p.length != 0 && p.length != sum.elements) {
                throw new AddFailed(new Failure("chunk " + chunks.get(i) + "'s slice of shard " + key.shard() + " has "
                        + p.length + " elements, the shard " + sum.elements, true, false), null);
            }
            int bad = InvalidPayloadException.firstNonFinite(p, 0, p.length);
            if (bad >= 0) {
                throw new AddFailed(new Failure("non-finite value " + p[bad] + " at element " + bad + " of chunk "
                        + chunks.get(i) + "'s slice of shard " + key.shard(), true, false), null);
            }
        }
        synchronized (sum) {
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].length > 0) {
                    sum.perChunk.put(chunks.get(i), parts[i]);
                }
            }
            sum.added.add(lease);
        }
    }

    private static AddFailed failed(Throwable e, boolean spoilt) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof AddFailed f) {
            return f;
        }
        InvalidPayloadException invalid = InvalidPayloadException.in(cause);
        return new AddFailed(new Failure(invalid != null ? invalid.getMessage() : cause.toString(), invalid != null,
                spoilt), cause);
    }

    /**
     * Publishes the mean of shard {@code key} — its sum of exactly {@code leases}, times {@code scale} (1 / samples) —
     * and returns where it waits.
     *
     * @throws IllegalStateException when the sum holds other contributions than {@code leases} or is spoilt
     */
    public BlobRef seal(Key key, Set<Long> leases, float scale) {
        Sum sum = sums.get(key);
        if (sum == null) {
            throw new IllegalStateException("no sum of shard " + key + " here");
        }
        float[] total;
        synchronized (sum) {
            if (sum.spoilt || !sum.added.equals(new TreeSet<>(leases))) {
                throw new IllegalStateException("shard " + key + " holds " + sum.added + (sum.spoilt ? " and part of"
                        + " another" : "") + ", not the contributions " + new TreeSet<>(leases));
            }
            total = canonical ? chunkOrderSum(sum) : sum.streaming.sum();
        }
        if (total == null) {
            total = new float[sum.elements]; // every chunk of every contribution unreadable: nothing to add
        }
        BlobRef mean = tensors.publishScaled(scale, total, sum.elements);
        BlobRef before = means.put(key, mean);
        if (before != null) {
            tensors.forget(before); // sealed again over other contributions: the earlier mean is no one's
        }
        return mean;
    }

    /**
     * Keeps a copy of another owner's sealed mean of shard {@code key}, fetched from {@code mean}, and serves it — the
     * same values, so a replica that fetches the copy applies what it would have from the owner. Completes with where
     * the copy waits.
     */
    public CompletableFuture<BlobRef> copy(Key key, BlobRef mean) {
        return tensors.fetchArrays(mean).thenApply(parts -> {
            if (parts.length != 1) {
                throw new IllegalArgumentException("a shard's mean has " + parts.length + " parts, not 1");
            }
            BlobRef copy = tensors.publish(parts);
            BlobRef before = copies.put(key, copy);
            if (before != null) {
                tensors.forget(before);
            }
            return copy;
        });
    }

    /** Canonical: the chunks' slices added in chunk order (a copy of the first, then each added element by element). */
    private static float[] chunkOrderSum(Sum sum) {
        float[] acc = null;
        for (float[] p : sum.perChunk.values()) {
            if (acc == null) {
                acc = p.clone();
            } else {
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += p[i];
                }
            }
        }
        return acc;
    }

    /**
     * Step {@code step} is applied here: the sums of it and earlier steps are done with, and the means of steps up to
     * {@code step - keptMeans} are no longer served (the last {@code keptMeans} commits' are, for replicas catching up).
     */
    public void forgetThrough(long step, int keptMeans) {
        sums.keySet().removeIf(k -> k.step() <= step);
        for (Map<Key, BlobRef> served : List.of(means, copies)) {
            served.entrySet().removeIf(e -> {
                if (e.getKey().step() <= step - keptMeans) {
                    tensors.forget(e.getValue());
                    return true;
                }
                return false;
            });
        }
    }

    /** Forgets every sum and stops serving every mean (this worker incarnation ends). */
    public void forgetAll() {
        sums.clear();
        for (Map<Key, BlobRef> served : List.of(means, copies)) {
            served.values().forEach(tensors::forget);
            served.clear();
        }
    }

    /** Sums kept (a diagnostic). */
    public int sumsKept() {
        return sums.size();
    }
}
