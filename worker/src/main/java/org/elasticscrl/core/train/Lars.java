package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.config.TrainOptimConfig;

/**
 * LARS as the reference runs it (torchlars 0.1.2 wrapping SGD, REFERENCE §5.3). Per tensor of the
 * LARS group: {@code a = trust·‖w‖ / (‖g‖ + wd·‖w‖ + eps)} (1 if either norm is 0) and
 * {@code g ← (g + wd·w)·a}; the excluded group gets {@code g ← g·lr} under the lr² quirk (else
 * untouched) and no weight decay. Then SGD with momentum on the whole slab:
 * {@code buf ← μ·buf + g; w ← w − lr·buf}. Learning rate and weight decay come with each step:
 * the optimizer keeps no step counter of its own.
 *
 * <p>The norms are summed in Java, in double and in a fixed order: libtorch's parallel reductions
 * split work by thread count, and replicas with different {@code --threads} must still end every
 * commit bit-identical (DESIGN I1). Everything else here is elementwise.
 */
public final class Lars {
    private final List<ParamGroups.Segment> segments;
    private final List<NDArray> weightViews = new ArrayList<>();
    private final Slab weights;
    private final double momentum;
    private final double trustCoef;
    private final double eps;
    private final boolean lrSquaredQuirk;

    public Lars(Slab weights, List<ParamGroups.Segment> segments, double momentum, double trustCoef,
            double eps, boolean lrSquaredQuirk) {
        this.weights = weights;
        this.segments = List.copyOf(segments);
        this.momentum = momentum;
        this.trustCoef = trustCoef;
        this.eps = eps;
        this.lrSquaredQuirk = lrSquaredQuirk;
        for (ParamGroups.Segment s : segments) {
            weightViews.add(weights.flat().get(new NDIndex(s.offset() + ":" + (s.offset() + s.size()))));
        }
    }

    public static Lars of(Slab weights, List<ParamGroups.Segment> segments, TrainOptimConfig o) {
        return new Lars(weights, segments, o.momentum(), o.trustCoef(), o.eps(), o.lrSquaredQuirk());
    }

    /** The trust ratio for one tensor of the LARS group. */
    public static double trustRatio(double weightNorm, double gradNorm, double wd, double trust, double eps) {
        if (weightNorm > 0 && gradNorm > 0) {
            return trust * weightNorm / (gradNorm + wd * weightNorm + eps);
        }
        return 1.0;
    }

    /**
     * One update. {@code grad} is the flat mean gradient in the slab's layout and is consumed
     * (modified in place); {@code buffer} is the momentum slab; temporaries live in {@code scope}.
     */
    public void step(NDArray grad, NDArray buffer, double lr, double wd, NDManager scope) {
        if (grad.size() != weights.size() || buffer.size() != weights.size()) {
            throw new IllegalArgumentException("gradient of " + grad.size() + " values for a slab of "
                    + weights.size());
        }
        float[] w = weights.toFloatArray();
        float[] gv = grad.toFloatArray();
        for (int i = 0; i < segments.size(); i++) {
            ParamGroups.Segment s = segments.get(i);
            NDArray g = grad.get(new NDIndex(s.offset() + ":" + (s.offset() + s.size())));
            switch (s.group()) {
                case LARS -> {
                    int from = Math.toIntExact(s.offset());
                    int to = Math.toIntExact(s.offset() + s.size());
                    double a = trustRatio(norm(w, from, to), norm(gv, from, to), wd, trustCoef, eps);
                    if (wd != 0) {
                        g.addi(scoped(scope, weightViews.get(i).mul(wd)));
                    }
                    g.muli(a);
                }
                case EXCLUDED -> {
                    if (lrSquaredQuirk) {
                        g.muli(lr);
                    }
                }
                case FROZEN -> g.set(new NDIndex(":"), scope.zeros(g.getShape()));
            }
        }
        buffer.muli(momentum).addi(grad);
        weights.flat().subi(scoped(scope, buffer.mul(lr)));
    }

    /** Euclidean norm of {@code v[from, to)}, summed in double in index order. */
    static double norm(float[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) v[i] * v[i];
        }
        return Math.sqrt(sum);
    }

    /** Ops on persistent arrays allocate in their manager: move such temporaries to the scope. */
    public static NDArray scoped(NDManager scope, NDArray temporary) {
        temporary.attach(scope);
        return temporary;
    }
}
