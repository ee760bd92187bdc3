package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * The first half of a step: for each chunk, both views through the online network, the
 * objective's loss plus the online evaluator's cross-entropy, backward, and the gradient and
 * BatchNorm statistics gathered into flat sums. Nothing in the replica's state changes here
 * except gradient scratch, so any worker can compute any chunk.
 */
final class StepComputer {
    private final Networks nets;
    private final Objective objective;
    private final boolean onlineEval;

    StepComputer(Networks nets, Objective objective, boolean onlineEval) {
        this.nets = nets;
        this.objective = objective;
        this.onlineEval = onlineEval;
    }

    /** Sample-weighted sums over chunks, still native (arrays owned by the caller's scope). */
    record Sums(NDArray gradients, NDArray statistics, ChunkMetrics metrics) {
        int samples() {
            return metrics.samples();
        }
    }

    Sums compute(List<Chunk> chunks, NDManager scope, StepProfile profile) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("nothing to compute: no chunks");
        }
        Sums total = null;
        for (Chunk chunk : chunks) {
            Sums r = computeOne(chunk, scope, profile);
            total = total == null ? r : new Sums(total.gradients.addi(r.gradients),
                    total.statistics.addi(r.statistics), total.metrics.plus(r.metrics));
        }
        return total;
    }

    private Sums computeOne(Chunk chunk, NDManager scope, StepProfile profile) {
        int n = chunk.samples();
        // A BatchNorm that sees no data in this chunk (e.g. heads when no image has boxes)
        // contributes its running statistics, i.e. leaves them unchanged.
        nets.batchStats.load(nets.buffers.flat());
        for (Slab.Entry e : nets.online.entries()) {
            Autograd.zeroGrad(e.tensor().parameter().getArray());
        }
        NDArray views = scope.create(chunk.pixels(), new Shape(2L * n, 3, chunk.size(), chunk.size()));
        double ssl;
        double ce = 0;
        long correct = 0;
        long evaluated = 0;
        Objective.Loss loss;
        try (Autograd ignored = Autograd.record()) {
            NDList online = profile.time(Phase.BACKBONE, () -> nets.features(views, true));
            loss = objective.loss(nets, chunk, views, online, profile);
            NDArray total = loss.value();
            if (onlineEval && chunk.labels() != null) {
                NDArray logits = nets.evaluator.apply(online.get(1).stopGradient(), true);
                int[] labels2 = new int[2 * n];
                System.arraycopy(chunk.labels(), 0, labels2, 0, n);
                System.arraycopy(chunk.labels(), 0, labels2, n, n);
                NDArray labels = scope.create(labels2).toType(ai.djl.ndarray.types.DataType.INT64, false);
                NDArray xent = Losses.crossEntropy(logits, labels);
                total = total.add(xent);
                ce = xent.getFloat();
                correct = logits.argMax(1).eq(labels).sum().getLong();
                evaluated = 2L * n;
            }
            ssl = loss.value().getFloat();
            NDArray backwardFrom = total;
            profile.time(Phase.BACKWARD, () -> Autograd.backward(backwardFrom));
        }
        NDArray gradients = profile.time(Phase.GRADIENTS, () -> {
            NDList parts = new NDList();
            for (Slab.Entry e : nets.online.entries()) {
                NDArray g = e.tensor().parameter().getArray().getGradient();
                g.attach(scope);
                parts.add(g.reshape(-1));
            }
            return NDArrays.concat(parts).muli(n);
        });
        NDArray statistics = nets.batchStats.flat().mul(n);
        statistics.attach(scope);
        ChunkMetrics m = new ChunkMetrics(n, ssl * n, ce * n, correct, evaluated, loss.pairs(),
                loss.skippedImages(), loss.boxFallbacks());
        return new Sums(gradients, statistics, m);
    }
}
