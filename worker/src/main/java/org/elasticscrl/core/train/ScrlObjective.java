package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.plan.Rng;
import org.elasticscrl.core.roi.BoxPairs;
import org.elasticscrl.core.roi.BoxSampler;
import org.elasticscrl.core.roi.RoiAlign;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * SCRL: K matched box pairs per image, each box RoI-aligned (1x1) on its view's pre-GAP map of
 * both networks, projector → predictor on the online side, and the symmetric regression loss
 * averaged over RoI pairs. There is no global loss (REFERENCE §1, §4.5).
 */
public final class ScrlObjective implements Objective {
    private static final long BOX_STREAM = Rng.key("boxes");

    private final BoxSampler sampler;
    private final RoiAlign roiAlign;
    private final long seed;

    public ScrlObjective(BoxSampler sampler, RoiAlign roiAlign, long seed) {
        this.sampler = sampler;
        this.roiAlign = roiAlign;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "scrl";
    }

    /**
     * The RoIs of a chunk in torchvision's {@code [b, x1, y1, x2, y2]} form: view-1 boxes of the
     * kept images (batch index i), then their view-2 partners (batch index n + i), in the same
     * order. Box randomness is keyed by (seed, epoch, sample id).
     */
    public Rois rois(Chunk chunk) {
        int n = chunk.samples();
        List<double[]> first = new ArrayList<>();
        List<double[]> second = new ArrayList<>();
        int skipped = 0;
        int fallbacks = 0;
        for (int i = 0; i < n; i++) {
            BoxPairs pairs = sampler.sample(chunk.crops1()[i], chunk.crops2()[i],
                    Rng.of(seed, BOX_STREAM, chunk.epoch(), chunk.sampleIds()[i]));
            if (pairs.skipped()) {
                skipped++;
                continue;
            }
            fallbacks += pairs.fallbacks();
            for (int k = 0; k < pairs.size(); k++) {
                double[] a = pairs.view1()[k];
                double[] b = pairs.view2()[k];
                first.add(new double[] {i, a[0], a[1], a[2], a[3]});
                second.add(new double[] {n + i, b[0], b[1], b[2], b[3]});
            }
        }
        first.addAll(second);
        return new Rois(first.toArray(new double[0][]), skipped, fallbacks);
    }

    /** A chunk's RoIs and how many images had none. */
    public record Rois(double[][] boxes, int skippedImages, int fallbacks) {
        public int pairs() {
            return boxes.length / 2;
        }
    }

    @Override
    public Loss loss(Networks nets, Chunk chunk, NDArray views, NDList online, StepProfile profile) {
        Rois rois = profile.time(Phase.BOXES, () -> rois(chunk));
        if (rois.pairs() == 0) {
            NDArray zero = views.getManager().zeros(new Shape());
            return new Loss(zero, 0, rois.skippedImages(), rois.fallbacks());
        }
        NDArray pooled = profile.time(Phase.ROI_ALIGN, () -> roiAlign.pool(online.get(0), rois.boxes()));
        NDArray q = profile.time(Phase.HEADS, () -> nets.predict(pooled));
        NDArray z = profile.time(Phase.TARGET, () -> {
            NDArray targetMap = nets.targetFeatures(views).get(0);
            try (Autograd ignored = Autograd.pause()) {
                return nets.targetProject(roiAlign.pool(targetMap, rois.boxes()));
            }
        });
        NDArray loss = profile.time(Phase.LOSS, () -> Losses.symmetricRegression(q, z));
        return new Loss(loss, rois.pairs(), rois.skippedImages(), rois.fallbacks());
    }
}
