package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.elasticscrl.core.nn.BatchNorm;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * The second half of a step, run by every replica on every commit: LARS + momentum on the online
 * slab, the EMA of the target (parameters only, REFERENCE §4.3), and the running statistics from
 * the step's mean batch statistics. Given the same update, every replica ends bit-identical.
 */
final class ReplicaUpdater {
    private final Networks nets;
    private final Lars lars;
    private final NDArray momentum;

    ReplicaUpdater(Networks nets, Lars lars, NDArray momentum) {
        this.nets = nets;
        this.lars = lars;
        this.momentum = momentum;
    }

    /**
     * Applies the step's mean gradient and mean batch statistics (flat, in the online and buffers
     * slab layouts; the gradient is consumed). Temporaries live in {@code scope}.
     */
    void apply(NDArray meanGradient, NDArray meanStatistics, StepHyper h, NDManager scope, StepProfile profile) {
        if (meanGradient.size() != nets.online.size() || meanStatistics.size() != nets.buffers.size()) {
            throw new IllegalArgumentException("update of " + meanGradient.size() + "/"
                    + meanStatistics.size() + " values for a replica of "
                    + nets.online.size() + "/" + nets.buffers.size());
        }
        profile.time(Phase.LARS, () -> lars.step(meanGradient, momentum, h.lr(), h.weightDecay(), scope));
        profile.time(Phase.EMA, () -> {
            NDArray onlineHead = Lars.scoped(scope, nets.online.prefix(nets.target.size()));
            nets.target.flat().muli(h.tau()).addi(Lars.scoped(scope, onlineHead.mul(1 - h.tau())));
        });
        profile.time(Phase.STATISTICS, () -> nets.buffers.flat()
                .muli(1 - BatchNorm.MOMENTUM).addi(meanStatistics.muli(BatchNorm.MOMENTUM)));
    }
}
