package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * BYOL + LC-loss (Islam et al., WACV 2023, eq. 5): {@code (1 − α)·L_G + α·L_LC}. L_G is BYOL's
 * symmetric loss on the pooled features of both views (as {@link ByolObjective}). L_LC compares the
 * target network's local projection of view 1 — the paper's I_c, colour transforms only, when
 * {@code augment.view1_geometry: resize} — with the online local projection of view 2 (I_sc, crop,
 * flip and colour), at correspondences found from the two crops and flips
 * ({@link LocalContrastLoss}). The loss reports the LC pairs as its pairs, and the images without
 * any pair inside view 2 as skipped.
 */
public final class ByolLcObjective implements Objective {
    private final LocalContrastLoss local;
    private final double alpha;

    public ByolLcObjective(LocalContrastLoss local, double alpha) {
        this.local = local;
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "byol_lc";
    }

    @Override
    public Loss loss(Networks nets, Chunk chunk, NDArray views, NDList online, StepProfile profile) {
        int n = chunk.samples();
        LocalContrastLoss.Resampling resampling =
                profile.time(Phase.BOXES, () -> local.resampling(chunk.crops1(), chunk.crops2()));
        NDArray q = profile.time(Phase.HEADS, () -> nets.predict(online.get(1)));
        NDArray onlineLocal = profile.time(Phase.HEADS, () -> nets.localProject(online.get(0).get(n + ":")));
        NDList target = profile.time(Phase.TARGET, () -> nets.targetFeatures(views));
        NDArray z = profile.time(Phase.TARGET, () -> nets.targetProject(target.get(1)));
        NDArray targetLocal = profile.time(Phase.TARGET, () -> nets.targetLocalProject(target.get(0).get("0:" + n)));
        NDArray loss = profile.time(Phase.LOSS, () -> {
            NDArray global = Losses.symmetricRegression(q, z);
            NDArray weights = views.getManager().create(resampling.weights(), resampling.shape());
            NDArray lc = local.loss(targetLocal, onlineLocal, weights);
            // float32 scalars owned by libtorch (see Losses.scalar): a double would promote these
            // 0-d float32 losses to float64, and a Java number would be freed before backward
            return global.mul(Losses.scalar(global, 1 - alpha)).add(lc.mul(Losses.scalar(lc, alpha)));
        });
        return new Loss(loss, resampling.pairs(), resampling.imagesWithoutPairs(), 0);
    }
}
