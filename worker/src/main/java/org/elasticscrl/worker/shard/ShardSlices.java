package org.elasticscrl.worker.shard;

import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.Tensors;

/**
 * A contribution cut by a step's shards, and a replica's update put back together from its shards' means.
 *
 * <p>A contribution is one flat vector — the gradient, then the BatchNorm statistics — of which shard {@code i} is
 * the elements between cut points {@code cuts[i]} and {@code cuts[i + 1]}. Each shard's slice is published as a payload
 * of its own, so that its owner fetches exactly its slice (and, with a cluster secret, checks it against its own
 * digest). With canonical sums a contribution holds one (gradient, statistics) pair per chunk; each slice then holds
 * one part per chunk, in lease order (an unreadable chunk: an empty part), so the owner adds chunk by chunk in chunk
 * order, the order a single process adds in.
 */
public final class ShardSlices {
    private ShardSlices() {}

    /**
     * Publishes {@code parts} — pairs of (gradient, statistics), one pair per chunk — cut at {@code cuts}: one payload
     * per shard, in shard order.
     */
    public static List<BlobRef> publish(Tensors tensors, int[] cuts, float[][] parts) {
        if (parts.length % 2 != 0) {
            throw new IllegalArgumentException("a contribution holds (gradient, statistics) pairs, not " + parts.length
                    + " parts");
        }
        List<BlobRef> refs = new ArrayList<>();
        for (int shard = 0; shard + 1 < cuts.length; shard++) {
            float[][] slices = new float[parts.length / 2][];
            for (int pair = 0; pair < slices.length; pair++) {
                slices[pair] = slice(parts[2 * pair], parts[2 * pair + 1], cuts, shard);
            }
            refs.add(tensors.publish(slices));
        }
        return refs;
    }

    /**
     * Shard {@code shard}'s elements of the vector {@code gradient ++ statistics} (an empty pair: an empty slice). A
     * vector of another length than the cuts span is cut all the same — the last shard takes what lies past the last
     * cut, a shard past the end gets what is left — so that its owners, not this worker, refuse slices of the wrong
     * size as the contributor's fault (a faulty replica must not crash its worker). (A vector shorter by exactly whole
     * shards gives empty slices, which read as unreadable chunks: not caught here.)
     */
    static float[] slice(float[] gradient, float[] statistics, int[] cuts, int shard) {
        int length = gradient.length + statistics.length;
        if (length == 0) {
            return new float[0];
        }
        boolean last = shard + 2 == cuts.length;
        int from = Math.min(cuts[shard], length);
        int to = last ? length : Math.min(cuts[shard + 1], length);
        float[] out = new float[to - from];
        int fromGradient = Math.min(to, gradient.length) - Math.min(from, gradient.length);
        System.arraycopy(gradient, Math.min(from, gradient.length), out, 0, fromGradient);
        int s = Math.max(from, gradient.length) - gradient.length;
        System.arraycopy(statistics, s, out, fromGradient, out.length - fromGradient);
        return out;
    }

    /**
     * The update from each shard's mean (in shard order), as a replica applies it: {@code {gradient, statistics}}
     * with the gradient's {@code gradientLength} elements first.
     *
     * @throws IllegalArgumentException when the shards do not add up to a gradient of that length and some statistics
     */
    public static float[][] assemble(List<float[]> means, int gradientLength) {
        int length = means.stream().mapToInt(m -> m.length).sum();
        if (length < gradientLength) {
            throw new IllegalArgumentException("the shards hold " + length + " elements, fewer than the gradient's "
                    + gradientLength);
        }
        float[] gradient = new float[gradientLength];
        float[] statistics = new float[length - gradientLength];
        int at = 0;
        for (float[] m : means) {
            int g = Math.max(0, Math.min(m.length, gradientLength - at));
            if (g > 0) {
                System.arraycopy(m, 0, gradient, at, g);
            }
            System.arraycopy(m, g, statistics, Math.max(0, at - gradientLength), m.length - g);
            at += m.length;
        }
        return new float[][] {gradient, statistics};
    }
}
