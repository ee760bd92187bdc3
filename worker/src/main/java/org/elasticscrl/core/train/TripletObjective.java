package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * Truncated triplet (Wang et al., REFERENCE §10): BYOL's networks on the global pooled features,
 * trained with {@link TripletLoss} in both directions; the negatives are the other images' target
 * projections of the opposite view within the chunk (the repository's per-GPU batch).
 */
public final class TripletObjective implements Objective {
    private final TripletLoss triplet;

    public TripletObjective(TripletLoss triplet) {
        this.triplet = triplet;
    }

    @Override
    public String name() {
        return "triplet";
    }

    @Override
    public Loss loss(Networks nets, Chunk chunk, NDArray views, NDList online, StepProfile profile) {
        NDArray q = profile.time(Phase.HEADS, () -> nets.predict(online.get(1)));
        NDArray z = profile.time(Phase.TARGET,
                () -> nets.targetProject(nets.targetFeatures(views).get(1)));
        NDArray loss = profile.time(Phase.LOSS, () -> triplet.symmetric(q, z));
        return new Loss(loss, chunk.samples(), 0, 0);
    }
}
