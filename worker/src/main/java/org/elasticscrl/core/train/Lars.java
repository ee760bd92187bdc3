package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
        List<NDArray> gradViews = new ArrayList<>(segments.size());
        NDList norms = new NDList();
        for (int i = 0; i < segments.size(); i++) {
            ParamGroups.Segment s = segments.get(i);
            NDArray g = grad.get(new NDIndex(s.offset() + ":" + (s.offset() + s.size())));
            gradViews.add(g);
            if (s.group() == ParamGroups.Group.LARS) {
                norms.add(scoped(scope, weightViews.get(i).norm()));
                norms.add(g.norm());
            }
        }
        float[] n = norms.isEmpty() ? new float[0] : NDArrays.stack(norms).toFloatArray();
        int k = 0;
        for (int i = 0; i < segments.size(); i++) {
            NDArray g = gradViews.get(i);
            switch (segments.get(i).group()) {
                case LARS -> {
                    double a = trustRatio(n[k], n[k + 1], wd, trustCoef, eps);
                    k += 2;
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

    /** Ops on persistent arrays allocate in their manager: move such temporaries to the scope. */
    public static NDArray scoped(NDManager scope, NDArray temporary) {
        temporary.attach(scope);
        return temporary;
    }
}
