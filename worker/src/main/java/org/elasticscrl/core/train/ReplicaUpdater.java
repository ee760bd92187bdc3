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

    void apply(Update update, NDManager parent, StepProfile profile) {
        if (update.meanGradient().length != nets.online.size()
                || update.meanStatistics().length != nets.buffers.size()) {
            throw new IllegalArgumentException("update of " + update.meanGradient().length + "/"
                    + update.meanStatistics().length + " values for a replica of "
                    + nets.online.size() + "/" + nets.buffers.size());
        }
        StepHyper h = update.hyper();
        try (NDManager scope = parent.newSubManager()) {
            NDArray grad = scope.create(update.meanGradient());
            profile.time(Phase.LARS, () -> lars.step(grad, momentum, h.lr(), h.weightDecay(), scope));
            profile.time(Phase.EMA, () -> {
                NDArray onlineHead = Lars.scoped(scope, nets.online.prefix(nets.target.size()));
                nets.target.flat().muli(h.tau()).addi(Lars.scoped(scope, onlineHead.mul(1 - h.tau())));
            });
            profile.time(Phase.STATISTICS, () -> {
                NDArray stats = scope.create(update.meanStatistics());
                nets.buffers.flat().muli(1 - BatchNorm.MOMENTUM).addi(stats.muli(BatchNorm.MOMENTUM));
            });
        }
    }
}
