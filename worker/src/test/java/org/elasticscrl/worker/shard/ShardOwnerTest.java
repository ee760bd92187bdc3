package org.elasticscrl.worker.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.protocol.BlobRef;
import org.elasticscrl.protocol.TensorTransport;
import org.elasticscrl.protocol.tensor.TensorCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShardOwnerTest {
    static final int GRADIENT = 1_000;
    static final int STATISTICS = 37;
    static final int[] CUTS = {0, 400, 1_010, GRADIENT + STATISTICS}; // the second shard straddles the statistics
    private final List<TensorTransport> nodes = new ArrayList<>();

    private TensorTransport node(String dtype) {
        TensorTransport t = TensorTransport.start("127.0.0.1", dtype);
        nodes.add(t);
        return t;
    }

    @AfterEach
    void close() {
        nodes.forEach(TensorTransport::close);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian() * (1 + rng.nextInt(1000));
        }
        return a;
    }

    /**
     * A backup holder's copy of a mean serves the same values (f32 and bf16), and a replica whose commit names it puts
     * the update together from it when the mean's owner is gone — which without the copy loses the step.
     */
    @Test
    void aReplicaPutsTheUpdateTogetherFromTheCopiesWhenAMeansOwnerIsGone() throws Exception {
        for (String dtype : List.of("f32", "bf16")) {
            SplittableRandom rng = new SplittableRandom(11);
            TensorTransport a = node(dtype);
            TensorTransport b = node(dtype);
            TensorTransport replica = node(dtype);
            float[] first = random(rng, 600);  // shard 0: gradient [0, 600), owned by a
            float[] second = random(rng, 437); // shard 1: gradient [600, 1000) and the statistics, owned by b
            BlobRef mean0 = a.publish(first);
            BlobRef mean1 = b.publish(second);
            BlobRef copy0 = new ShardOwner(b, false).copy(new ShardOwner.Key(5, 0, 0), mean0).get(10, TimeUnit.SECONDS);
            BlobRef copy1 = new ShardOwner(a, false).copy(new ShardOwner.Key(5, 1, 0), mean1).get(10, TimeUnit.SECONDS);
            assertEquals(b.port(), copy0.port(), "the copy waits on its holder");
            assertArrayEquals(replica.fetchArrays(mean0).get(10, TimeUnit.SECONDS)[0],
                    replica.fetchArrays(copy0).get(10, TimeUnit.SECONDS)[0], dtype);
            float[][] expected = new Payloads(replica).update(commit(List.of(mean0, mean1), List.of()), GRADIENT)
                    .get(10, TimeUnit.SECONDS);
            a.close(); // a is gone after the commit, before this replica fetched its mean
            var lost = new Payloads(replica).update(commit(List.of(mean0, mean1), List.of()), GRADIENT);
            assertThrows(ExecutionException.class, () -> lost.get(10, TimeUnit.SECONDS), "no copy: the step is lost");
            float[][] update = new Payloads(replica).update(commit(List.of(mean0, mean1), List.of(copy0, copy1)),
                    GRADIENT).get(10, TimeUnit.SECONDS);
            assertArrayEquals(expected[0], update[0], dtype);
            assertArrayEquals(expected[1], update[1], dtype);
            assertEquals(STATISTICS, update[1].length);
            // b, the holder of a's copy, applies from its own store: its own mean and its copy, not a byte fetched
            var atHolder = new Payloads(b).update(commit(List.of(mean0, mean1), List.of(copy0, copy1)), GRADIENT);
            assertTrue(atHolder.isDone(), "read in place");
            assertArrayEquals(expected[0], atHolder.get()[0], dtype);
        }
    }

    private static org.elasticscrl.protocol.WorkerProtocol.Commit commit(List<BlobRef> means, List<BlobRef> backups) {
        return new org.elasticscrl.protocol.WorkerProtocol.Commit(5, 0, 0.1, 0.99, 0, 8, false, null, means, backups);
    }

    /**
     * Three contributors of two chunks each (canonical: one pair per chunk), three owners: each shard's mean, put back
     * together, is bit for bit the chunk-order sum of the whole vectors times the scale — what the coordinator's
     * canonical sum published — in f32 and in bf16.
     */
    @Test
    void canonicalShardMeansPutTogetherAreTheChunkOrderMeanBitForBit() throws Exception {
        for (String dtype : List.of("f32", "bf16")) {
            SplittableRandom rng = new SplittableRandom(3);
            List<ShardOwner> owners = new ArrayList<>();
            List<TensorTransport> ownerNodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ownerNodes.add(node(dtype));
                owners.add(new ShardOwner(ownerNodes.get(i), true));
            }
            float[][] chunks = new float[6][]; // chunk c: gradient ++ statistics
            List<CompletableFuture<Void>> adds = new ArrayList<>();
            // leases hold chunks {4, 1}, {0, 5}, {3, 2}: lease order is not chunk order
            int[][] leases = {{4, 1}, {0, 5}, {3, 2}};
            for (int l = 0; l < 3; l++) {
                TensorTransport contributor = node("f32");
                float[][] parts = new float[4][];
                for (int k = 0; k < 2; k++) {
                    float[] g = random(rng, GRADIENT);
                    float[] s = random(rng, STATISTICS);
                    parts[2 * k] = g;
                    parts[2 * k + 1] = s;
                    chunks[leases[l][k]] = concat(g, s);
                }
                List<BlobRef> slices = ShardSlices.publish(contributor, CUTS, parts);
                for (int shard = 0; shard < 3; shard++) {
                    adds.add(owners.get(shard).add(new ShardOwner.Key(9, shard, 0), CUTS[shard + 1] - CUTS[shard], l,
                            slices.get(shard), List.of(leases[l][0], leases[l][1])));
                }
            }
            CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            float scale = 1f / 6;
            List<float[]> means = new ArrayList<>();
            for (int shard = 0; shard < 3; shard++) {
                BlobRef mean = owners.get(shard).seal(new ShardOwner.Key(9, shard, 0), Set.of(0L, 1L, 2L), scale);
                means.add(node(dtype).fetchArrays(mean).get(10, TimeUnit.SECONDS)[0]);
            }
            float[][] update = ShardSlices.assemble(means, GRADIENT);
            float[] expected = chunks[0].clone();
            for (int c = 1; c < 6; c++) {
                for (int i = 0; i < expected.length; i++) {
                    expected[i] += chunks[c][i];
                }
            }
            for (int i = 0; i < expected.length; i++) {
                float v = expected[i] * scale;
                expected[i] = dtype.equals("f32") ? v : TensorCodec.fromBf16(TensorCodec.toBf16(v));
            }
            assertArrayEquals(expected, concat(update[0], update[1]), dtype);
            assertEquals(STATISTICS, update[1].length);
        }
    }

    @Test
    void summedModeStreamsEverySliceIntoTheShardsSum() throws Exception {
        TensorTransport contributor = node("f32");
        ShardOwner owner = new ShardOwner(node("f32"), false);
        ShardOwner.Key key = new ShardOwner.Key(1, 1, 0);
        int elements = CUTS[2] - CUTS[1];
        for (long lease = 0; lease < 4; lease++) {
            float[] g = new float[GRADIENT];
            float[] s = new float[STATISTICS];
            java.util.Arrays.fill(g, lease + 1); // small integers: their sum is exact in any order
            java.util.Arrays.fill(s, 10 * (lease + 1));
            BlobRef slice = ShardSlices.publish(contributor, CUTS, new float[][] {g, s}).get(1);
            owner.add(key, elements, lease, slice, List.of((int) lease)).get(10, TimeUnit.SECONDS);
        }
        float[] mean = contributor.fetchArrays(owner.seal(key, Set.of(0L, 1L, 2L, 3L), 0.5f)).get(10, TimeUnit.SECONDS)[0];
        assertEquals(elements, mean.length);
        assertEquals(5f, mean[0]);
        assertEquals(50f, mean[elements - 1], "the slice's last elements are statistics");
        var e = assertThrows(IllegalStateException.class, () -> owner.seal(key, Set.of(0L, 1L, 2L), 0.5f));
        assertTrue(e.getMessage().contains("[0, 1, 2, 3]"), e.getMessage());
    }

    @Test
    void aNonFiniteSliceIsTheContributorsFaultAndAGoneOneIsNot() throws Exception {
        for (boolean canonical : new boolean[] {true, false}) {
            TensorTransport contributor = node("f32");
            ShardOwner owner = new ShardOwner(node("f32"), canonical);
            ShardOwner.Key key = new ShardOwner.Key(2, 0, 0);
            float[] g = new float[GRADIENT];
            g[CUTS[1] - 1] = Float.NaN;
            List<BlobRef> slices = ShardSlices.publish(contributor, CUTS, new float[][] {g, new float[STATISTICS]});
            ShardOwner.Failure f = failure(owner.add(key, CUTS[1], 7, slices.get(0), List.of(3)));
            assertTrue(f.invalid(), f.toString());
            assertTrue(f.why().contains("non-finite"), f.why());
            contributor.forget(slices.get(0));
            ShardOwner.Failure gone = failure(owner.add(key, CUTS[1], 8, slices.get(0), List.of(4)));
            assertFalse(gone.invalid(), gone.toString());
            assertFalse(gone.spoilt(), "nothing of it arrived");
            ShardOwner.Failure wrongShard = failure(owner.add(key, CUTS[1], 9, slices.get(1), List.of(5)));
            assertTrue(wrongShard.invalid(), "a slice of another shard's size: " + wrongShard);
        }
    }

    private static ShardOwner.Failure failure(CompletableFuture<Void> add) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> add.get(10, TimeUnit.SECONDS));
        Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
        return assertInstanceOf(ShardOwner.AddFailed.class, cause).failure();
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
