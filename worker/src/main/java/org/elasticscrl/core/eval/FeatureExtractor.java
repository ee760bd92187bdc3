package org.elasticscrl.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.elasticscrl.core.augment.EvalTransform;
import org.elasticscrl.core.data.Dataset;
import org.elasticscrl.core.data.LabeledBox;
import org.elasticscrl.core.data.Sample;
import org.elasticscrl.core.data.UnreadableSampleException;
import org.elasticscrl.core.roi.RoiAlign;
import org.elasticscrl.core.train.Networks;

/**
 * Features of a frozen backbone (eval mode, running statistics, no gradients): the pooled vector
 * of each image, or the 1x1 RoI-aligned vector of each ground-truth box (the paper's Table 10
 * protocol). Images are rendered by an {@link EvalTransform} in parallel, a batch at a time.
 */
public final class FeatureExtractor {
    private final Networks nets;
    private final NDManager manager;
    private final int batch;

    public FeatureExtractor(Networks nets, NDManager manager, int batch) {
        this.nets = nets;
        this.manager = manager;
        this.batch = Math.max(1, batch);
    }

    /** Pooled features and image labels of {@code indices}. */
    public Features pooled(Dataset data, int[] indices, EvalTransform transform) {
        return extract(data, indices, transform, null);
    }

    /**
     * RoI features of every ground-truth box of {@code indices}; images are resized whole to the
     * view size (the transform must keep the full image), boxes scaled alike.
     */
    public Features rois(Dataset data, int[] indices, EvalTransform transform, RoiAlign roi) {
        return extract(data, indices, transform, roi);
    }

    private Features extract(Dataset data, int[] indices, EvalTransform transform, RoiAlign roi) {
        int size = transform.size();
        int plane = 3 * size * size;
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Integer> sources = new ArrayList<>();
        int skipped = 0;
        int dim = nets.spec().projIn();
        for (int from = 0; from < indices.length; from += batch) {
            int n = Math.min(batch, indices.length - from);
            Sample[] samples = new Sample[n];
            float[] pixels = new float[n * plane];
            int offset = from;
            boolean[] ok = new boolean[n];
            IntStream.range(0, n).parallel().forEach(i -> {
                try {
                    samples[i] = data.get(indices[offset + i]);
                    transform.render(samples[i].image(), pixels, i * plane);
                    ok[i] = true;
                } catch (UnreadableSampleException e) {
                    ok[i] = false;
                }
            });
            List<Integer> good = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (ok[i]) {
                    good.add(i);
                } else {
                    skipped++;
                }
            }
            if (good.isEmpty()) {
                continue;
            }
            float[] packed = pack(pixels, good, plane);
            try (NDManager scope = manager.newSubManager()) {
                NDArray images = scope.create(packed, new Shape(good.size(), 3, size, size));
                NDList f = nets.inferFeatures(images);
                if (roi == null) {
                    float[] v = f.get(1).toFloatArray();
                    for (int k = 0; k < good.size(); k++) {
                        float[] row = new float[dim];
                        System.arraycopy(v, k * dim, row, 0, dim);
                        rows.add(row);
                        labels.add(samples[good.get(k)].label());
                        sources.add(indices[offset + good.get(k)]);
                    }
                } else {
                    List<double[]> boxes = new ArrayList<>();
                    for (int k = 0; k < good.size(); k++) {
                        Sample s = samples[good.get(k)];
                        double sx = (double) size / s.image().width();
                        double sy = (double) size / s.image().height();
                        for (LabeledBox b : s.boxes()) {
                            boxes.add(new double[] {k, b.x1() * sx, b.y1() * sy, b.x2() * sx, b.y2() * sy});
                            labels.add(b.label());
                            sources.add(indices[offset + good.get(k)]);
                        }
                    }
                    if (!boxes.isEmpty()) {
                        float[] v = roi.pool(f.get(0), boxes.toArray(new double[0][])).toFloatArray();
                        for (int r = 0; r < boxes.size(); r++) {
                            float[] row = new float[dim];
                            System.arraycopy(v, r * dim, row, 0, dim);
                            rows.add(row);
                        }
                    }
                }
            }
        }
        float[] values = new float[rows.size() * dim];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, values, r * dim, dim);
        }
        return new Features(values, dim, labels.stream().mapToInt(Integer::intValue).toArray(),
                sources.stream().mapToInt(Integer::intValue).toArray(), skipped);
    }

    private static float[] pack(float[] pixels, List<Integer> good, int plane) {
        if (good.size() * plane == pixels.length) {
            return pixels;
        }
        float[] out = new float[good.size() * plane];
        for (int k = 0; k < good.size(); k++) {
            System.arraycopy(pixels, good.get(k) * plane, out, k * plane, plane);
        }
        return out;
    }
}
