package org.elasticscrl.worker.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ShardSlicesTest {
    @Test
    void slicesPutBackTogetherAreTheContributionWhereverTheCutsFall() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int round = 0; round < 300; round++) {
            int gl = rng.nextInt(50);
            int sl = rng.nextInt(20);
            float[] g = new float[gl];
            float[] s = new float[sl];
            for (int i = 0; i < gl; i++) g[i] = i;
            for (int i = 0; i < sl; i++) s[i] = -1 - i;
            TreeSet<Integer> cutSet = new TreeSet<>(List.of(0, gl + sl));
            for (int k = rng.nextInt(6); k > 0; k--) cutSet.add(rng.nextInt(gl + sl + 1));
            int[] cuts = cutSet.stream().mapToInt(Integer::intValue).toArray();
            if (cuts.length < 2) continue; // an empty contribution: nothing to cut
            List<float[]> slices = new ArrayList<>();
            for (int shard = 0; shard + 1 < cuts.length; shard++) {
                float[] slice = ShardSlices.slice(g, s, cuts, shard);
                assertEquals(cuts[shard + 1] - cuts[shard], slice.length);
                slices.add(slice);
            }
            float[][] back = ShardSlices.assemble(slices, gl);
            assertArrayEquals(g, back[0]);
            assertArrayEquals(s, back[1]);
        }
    }

    /** A faulty replica's contribution of another length is cut all the same: its owners see misshapen slices. */
    @Test
    void aContributionOfAnotherLengthIsCutIntoSlicesTheOwnersRefuse() {
        int[] cuts = {0, 4, 6};
        assertEquals(3, ShardSlices.slice(new float[5], new float[2], cuts, 1).length, "one value too many: last shard");
        assertEquals(4, ShardSlices.slice(new float[5], new float[2], cuts, 0).length);
        assertEquals(1, ShardSlices.slice(new float[3], new float[2], cuts, 1).length, "one too few");
        assertEquals(0, ShardSlices.slice(new float[2], new float[1], cuts, 1).length, "a shard past the end: empty");
        assertEquals(0, ShardSlices.slice(new float[0], new float[0], cuts, 0).length, "an unreadable chunk");
        assertThrows(IllegalArgumentException.class, () -> ShardSlices.assemble(List.of(new float[3]), 4));
    }
}
