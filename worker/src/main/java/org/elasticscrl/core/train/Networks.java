package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.elasticscrl.plan.Rng;
import org.elasticscrl.core.nn.BatchNorm;
import org.elasticscrl.core.nn.LinearHead;
import org.elasticscrl.core.nn.LocalProjectionHead;
import org.elasticscrl.core.nn.MlpHead;
import org.elasticscrl.core.nn.ResNet;
import org.elasticscrl.core.nn.TorchModule;
import org.elasticscrl.core.nn.TorchModule.Named;

/**
 * The modules of a BYOL-style learner and the flat slabs that hold their state: online backbone,
 * projector, local projector (objective {@code byol_lc} only), predictor and evaluator (trainable,
 * slab {@link #online}), the EMA target backbone, projector and local projector (slab
 * {@link #target}, same layout as the head of {@code online}, which is why the local projector sits
 * before the predictor), and every BatchNorm's running statistics (slab {@link #buffers}) with a
 * twin slab {@link #batchStats} where training passes leave their batch statistics.
 */
public final class Networks implements AutoCloseable {
    public final ResNet backbone;
    public final MlpHead projector;
    public final MlpHead predictor;
    public final LinearHead evaluator;
    public final ResNet targetBackbone;
    public final MlpHead targetProjector;
    /** The local projection branch and its EMA twin, or {@code null} without one. */
    public final LocalProjectionHead localProjector;
    public final LocalProjectionHead targetLocalProjector;
    public final Slab online;
    public final Slab target;
    public final Slab buffers;
    public final Slab batchStats;
    private final NDManager manager;
    private final ModelSpec spec;

    private Networks(ModelSpec spec, NDManager parent) {
        this.spec = spec;
        this.manager = parent.newSubManager();
        NDManager manager = this.manager;
        backbone = ResNet.create(spec.depth(), spec.width(), spec.stem(), true);
        if (backbone.featureDim() != spec.projIn()) {
            throw new IllegalArgumentException("projector input " + spec.projIn()
                    + " != backbone feature size " + backbone.featureDim());
        }
        projector = new MlpHead(spec.projIn(), spec.hidden(), spec.projOut(), spec.outputBias(), true);
        predictor = new MlpHead(spec.projOut(), spec.hidden(), spec.projOut(), spec.outputBias(), true);
        evaluator = new LinearHead(spec.projIn(), spec.numClasses(), true);
        targetBackbone = ResNet.create(spec.depth(), spec.width(), spec.stem(), false);
        targetProjector = new MlpHead(spec.projIn(), spec.hidden(), spec.projOut(), spec.outputBias(), false);
        boolean local = spec.hasLocalBranch();
        localProjector = local ? new LocalProjectionHead(spec.projIn(), spec.localOut(), spec.localRelu(), true) : null;
        targetLocalProjector =
                local ? new LocalProjectionHead(spec.projIn(), spec.localOut(), spec.localRelu(), false) : null;

        List<Part> onlineHead = new ArrayList<>(List.of(part("backbone.", backbone), part("projector.", projector)));
        List<Part> targetHead = new ArrayList<>(List.of(
                part("target.backbone.", targetBackbone), part("target.projector.", targetProjector)));
        if (local) {
            onlineHead.add(part("local_projector.", localProjector));
            targetHead.add(part("target.local_projector.", targetLocalProjector));
        }
        List<Part> onlineAll = new ArrayList<>(onlineHead);
        onlineAll.add(part("predictor.", predictor));
        onlineAll.add(part("evaluator.", evaluator));
        online = Slab.allocate(manager, "", named(onlineAll, false), true);
        target = Slab.allocate(manager, "", named(targetHead, false), true);
        List<Part> bnOwners = new ArrayList<>(onlineHead);
        bnOwners.add(part("predictor.", predictor));
        bnOwners.addAll(targetHead);
        buffers = Slab.allocate(manager, "", named(bnOwners, true), true);
        batchStats = Slab.allocate(manager, "", named(bnOwners, true), false);
        wireStatistics(bnOwners);
        initialise();
        Shape image = new Shape(2, 3, 64, 64);
        for (TorchModule m : List.of(backbone, targetBackbone)) {
            m.bind(manager, image);
        }
        Shape vector = new Shape(2, spec.projIn());
        for (TorchModule m : List.of(projector, targetProjector, evaluator)) {
            m.bind(manager, vector);
        }
        predictor.bind(manager, new Shape(2, spec.projOut()));
        if (local) {
            Shape map = new Shape(2, spec.projIn(), 2, 2);
            localProjector.bind(manager, map);
            targetLocalProjector.bind(manager, map);
        }
    }

    /** Builds and initialises the networks in a sub-manager of {@code parent}. */
    public static Networks create(ModelSpec spec, NDManager parent) {
        return new Networks(spec, parent);
    }

    public ModelSpec spec() {
        return spec;
    }

    private record Part(String prefix, TorchModule module) {}

    private static Part part(String prefix, TorchModule module) {
        return new Part(prefix, module);
    }

    /** The tensors of several modules, names prefixed, in order. */
    private static List<Named> named(List<Part> parts, boolean wantBuffers) {
        List<Named> out = new ArrayList<>();
        for (Part p : parts) {
            for (Named n : wantBuffers ? p.module().namedBuffers() : p.module().namedParameters()) {
                out.add(new Named(p.prefix() + n.name(), n.parameter(), n.shape(), n.owner()));
            }
        }
        return out;
    }

    /** Points every BatchNorm at its two views of {@link #batchStats}. */
    private void wireStatistics(List<Part> owners) {
        List<Slab.Entry> stats = batchStats.entries();
        int i = 0;
        for (Part p : owners) {
            for (TorchModule m : p.module().allModules()) {
                if (m instanceof BatchNorm bn) {
                    Slab.Entry mean = stats.get(i++);
                    Slab.Entry var = stats.get(i++);
                    if (mean.tensor().owner() != bn || var.tensor().owner() != bn) {
                        throw new IllegalStateException("BatchNorm statistics out of order at " + mean.name());
                    }
                    bn.recordInto(mean.flatView(), var.flatView());
                }
            }
        }
        if (i != stats.size()) {
            throw new IllegalStateException("unmatched BatchNorm statistics: " + i + " of " + stats.size());
        }
    }

    /** torchvision's initialisation, drawn per tensor from streams keyed by (seed, network, name). */
    private void initialise() {
        online.load(initialValues(online, "online"));
        if (spec.targetCopiesOnline()) {
            target.load(online.prefix(target.size()));
        } else {
            // the SCRL reference keeps the target's own random init
            target.load(initialValues(target, "target"));
        }
        float[] b = initialValues(buffers, "buffers");
        buffers.load(b);
        batchStats.load(b);
    }

    private float[] initialValues(Slab slab, String network) {
        float[] all = new float[Math.toIntExact(slab.size())];
        for (Slab.Entry e : slab.entries()) {
            String name = e.name().startsWith("target.") ? e.name().substring(7) : e.name();
            SplittableRandom rng = Rng.of(spec.seed(), Rng.key("init"), Rng.key(network), Rng.key(name));
            float[] v = e.tensor().initialValues(rng);
            System.arraycopy(v, 0, all, (int) e.offset(), v.length);
        }
        return all;
    }

    /** Online backbone features {@code (map, pooled)} of the views. */
    public NDList features(NDArray images, boolean training) {
        return backbone.features(images, training);
    }

    /** Target backbone features, without recording gradients. */
    public NDList targetFeatures(NDArray images) {
        try (Autograd ignored = Autograd.pause()) {
            return targetBackbone.features(images, true);
        }
    }

    /** Target projection (train-mode BatchNorm, as in the reference), without gradients. */
    public NDArray targetProject(NDArray features) {
        try (Autograd ignored = Autograd.pause()) {
            return targetProjector.apply(features, true);
        }
    }

    /** Online local projection of a pre-GAP map {@code [n, C, h, w]} → {@code [n, out, h, w]}. */
    public NDArray localProject(NDArray map) {
        return localBranch(localProjector).apply(map, true);
    }

    /** Target local projection (train-mode BatchNorm, like the target projector), without gradients. */
    public NDArray targetLocalProject(NDArray map) {
        try (Autograd ignored = Autograd.pause()) {
            return localBranch(targetLocalProjector).apply(map, true);
        }
    }

    private static LocalProjectionHead localBranch(LocalProjectionHead head) {
        if (head == null) {
            throw new IllegalStateException("these networks have no local projection branch (objective byol_lc)");
        }
        return head;
    }

    /**
     * Frozen-backbone features for evaluation: the online backbone in eval mode (running
     * statistics), without recording gradients. Returns {@code (map, pooled)}.
     */
    public NDList inferFeatures(NDArray images) {
        try (Autograd ignored = Autograd.pause()) {
            return backbone.features(images, false);
        }
    }

    /** The online evaluator's logits for pooled features, without gradients. */
    public NDArray inferLogits(NDArray pooled) {
        try (Autograd ignored = Autograd.pause()) {
            return evaluator.apply(pooled, false);
        }
    }

    /** Online projection followed by prediction. */
    public NDArray predict(NDArray features) {
        return predictor.apply(projector.apply(features, true), true);
    }

    @Override
    public void close() {
        manager.close();
    }
}
