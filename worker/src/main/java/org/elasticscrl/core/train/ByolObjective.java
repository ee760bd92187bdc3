package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.elasticscrl.core.train.StepProfile.Phase;

/** BYOL: the symmetric regression loss on the global pooled features (REFERENCE §4.5). */
public final class ByolObjective implements Objective {
    @Override
    public String name() {
        return "byol";
    }

    @Override
    public Loss loss(Networks nets, Chunk chunk, NDArray views, NDList online, StepProfile profile) {
        NDArray q = profile.time(Phase.HEADS, () -> nets.predict(online.get(1)));
        NDArray z = profile.time(Phase.TARGET,
                () -> nets.targetProject(nets.targetFeatures(views).get(1)));
        NDArray loss = profile.time(Phase.LOSS, () -> Losses.symmetricRegression(q, z));
        return new Loss(loss, chunk.samples(), 0, 0);
    }
}
