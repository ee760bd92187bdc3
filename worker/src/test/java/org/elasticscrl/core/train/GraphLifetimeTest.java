package org.elasticscrl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.elasticscrl.core.roi.CropBox;
import org.elasticscrl.core.roi.RoiAlign;
import org.junit.jupiter.api.Test;

/**
 * Whatever autograd keeps for backward must outlive the Java objects of the forward pass. DJL
 * wraps a Java number operand ({@code x.mul(-2)}) in a tensor over a Java direct buffer and frees
 * it when the garbage collector runs; if the graph saved that tensor, backward reads freed memory.
 * Here the garbage collector runs and the freed memory is reused (written with NaN) between
 * forward and backward, many times; every gradient must equal the quiet one bit for bit.
 */
class GraphLifetimeTest {
    private static final int ROUNDS = 40;

    @Test
    void lossesSurviveGarbageCollectionBetweenForwardAndBackward() {
        assertStable("regression", (p, z) -> Losses.symmetricRegression(p, z));
        TripletLoss triplet = new TripletLoss(100, 2, 2, 10);
        assertStable("triplet", triplet::symmetric);
        // LC-loss over [4, 16, 2, 2] maps: the 24x16 inputs reshaped; weights from two crops per image
        LocalContrastLoss lc = new LocalContrastLoss(0.2, 16, 2);
        CropBox[] target = new CropBox[6];
        CropBox[] online = new CropBox[6];
        for (int i = 0; i < 6; i++) {
            target[i] = new CropBox(i, 2 * i, 30, 30, false);
            online[i] = new CropBox(3, i, 28, 32, i % 2 == 1);
        }
        LocalContrastLoss.Resampling r = lc.resampling(target, online);
        assertStable("lc", (p, z) -> lc.loss(z.reshape(6, 16, 2, 2), p.reshape(6, 16, 2, 2),
                p.getManager().create(r.weights(), r.shape())));
        // RoIAlign (Java-computed weights) then the regression loss
        RoiAlign roi = new RoiAlign(2, 2, 0.125, -1, false);
        double[][] boxes = {{0, 0, 0, 16, 16}, {1, 2, 3, 9, 15}, {2, 0, 8, 16, 16}, {5, 4.5, 4.5, 11, 12}};
        assertStable("roi_align", (p, z) -> {
            NDArray pooled = roi.pool(p.reshape(6, 16, 2, 2), boxes);
            return Losses.regression(pooled, z.get("0:4")).mean();
        });
    }

    /** The hazard itself, to show this test sees it: a Java scalar in a recorded op. */
    @Test
    void javaScalarOperandsAreDetected() {
        List<String> differences = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && differences.isEmpty(); attempt++) {
            differences.addAll(differences("java scalars", (p, z) -> {
                NDArray pn = p.normalize(2, 1, 1e-12);
                NDArray zn = z.normalize(2, 1, 1e-12);
                return pn.mul(zn).sum(new int[] {1}).mul(-2).add(2).mul(3.5f).div(1.25f).mean();
            }));
        }
        assertTrue(!differences.isEmpty(), "freed scalar operands went unnoticed: the stress does not reuse memory");
    }

    private static void assertStable(String name, BiFunction<NDArray, NDArray, NDArray> loss) {
        List<String> d = differences(name, loss);
        assertTrue(d.isEmpty(), String.join("\n", d));
    }

    private static List<String> differences(String name, BiFunction<NDArray, NDArray, NDArray> loss) {
        List<String> out = new ArrayList<>();
        float[] quiet = gradient(loss, false);
        for (int round = 0; round < ROUNDS; round++) {
            float[] stressed = gradient(loss, true);
            try {
                assertArrayEquals(quiet, stressed);
            } catch (AssertionError e) {
                out.add(name + ", round " + round + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static float[] gradient(BiFunction<NDArray, NDArray, NDArray> loss, boolean stress) {
        Random rng = new Random(3);
        float[] pv = new float[24 * 16];
        float[] zv = new float[24 * 16];
        for (int i = 0; i < pv.length; i++) {
            pv[i] = (float) rng.nextGaussian();
            zv[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(pv, new Shape(24, 16));
            NDArray z = m.create(zv, new Shape(24, 16));
            p.setRequiresGradient(true);
            try (Autograd ignored = Autograd.record()) {
                NDArray value = loss.apply(p, z);
                if (stress) {
                    reuseFreedMemory();
                }
                Autograd.backward(value);
            }
            return p.getGradient().toFloatArray();
        }
    }

    /** Collects garbage (DJL's scalar buffers among it), then allocates and poisons small buffers. */
    private static void reuseFreedMemory() {
        System.gc();
        try {
            Thread.sleep(5); // the cleaner thread frees the buffers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) {
                b.putFloat(Float.NaN);
            }
            keep.add(b);
        }
        keep.clear();
    }
}
