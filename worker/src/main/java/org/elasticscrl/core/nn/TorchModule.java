package org.elasticscrl.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A DJL block that names its children and parameters the way PyTorch's {@code nn.Module} does,
 * so that {@link #namedParameters()} and {@link #namedBuffers()} yield torchvision's
 * {@code state_dict} keys ({@code layer1.0.bn1.running_mean}, …).
 *
 * <p>Parameter shapes are fixed at construction (like torchvision, where every layer is told its
 * input channels). Arrays are not allocated by DJL's initializers: the owner binds every
 * parameter to a view of one flat buffer (see {@code Slab}), then calls {@link #bind}.
 */
public abstract class TorchModule extends AbstractBlock {

    private final Map<String, TorchModule> modules = new LinkedHashMap<>();
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<Parameter, Shape> shapes = new LinkedHashMap<>();
    private final boolean trainable;

    protected TorchModule(boolean trainable) {
        this.trainable = trainable;
    }

    /** Whether this module's parameters take gradients (false for the EMA target). */
    public boolean trainable() {
        return trainable;
    }

    protected final <M extends TorchModule> M module(String name, M module) {
        addChildBlock(name, module);
        modules.put(name, module);
        return module;
    }

    protected final Parameter parameter(String name, Parameter.Type type, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(type).optRequiresGrad(trainable).build();
        addParameter(p);
        params.put(name, p);
        shapes.put(p, shape);
        return p;
    }

    protected final Parameter buffer(String name, Parameter.Type type, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(type).optRequiresGrad(false).build();
        addParameter(p);
        buffers.put(name, p);
        shapes.put(p, shape);
        return p;
    }

    /** A named tensor slot: its state_dict key, its DJL parameter, its shape and its module. */
    public record Named(String name, Parameter parameter, Shape shape, TorchModule owner) {
        public long size() {
            return shape.size();
        }

        /** torchvision's initial values for this tensor, drawn from {@code rng}. */
        public float[] initialValues(RandomGenerator rng) {
            return owner.initialValues(parameter, rng);
        }
    }

    /** Trainable parameters in PyTorch's {@code named_parameters()} order. */
    public final List<Named> namedParameters() {
        List<Named> out = new ArrayList<>();
        collect("", out, false);
        return out;
    }

    /** Buffers (BatchNorm running statistics) in PyTorch's {@code named_buffers()} order. */
    public final List<Named> namedBuffers() {
        List<Named> out = new ArrayList<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, List<Named> out, boolean wantBuffers) {
        (wantBuffers ? buffers : params)
                .forEach((n, p) -> out.add(new Named(prefix + n, p, shapes.get(p), this)));
        modules.forEach((n, m) -> m.collect(prefix + n + ".", out, wantBuffers));
    }

    /**
     * Every key of PyTorch's {@code state_dict()} for this tree, in its order: a module's
     * parameters, then its buffers (BatchNorm adds {@code num_batches_tracked}), then children.
     */
    public final List<String> stateDictKeys() {
        List<String> out = new ArrayList<>();
        stateDictKeys("", out);
        return out;
    }

    private void stateDictKeys(String prefix, List<String> out) {
        params.keySet().forEach(n -> out.add(prefix + n));
        buffers.keySet().forEach(n -> out.add(prefix + n));
        if (this instanceof BatchNorm) {
            out.add(prefix + "num_batches_tracked");
        }
        modules.forEach((n, m) -> m.stateDictKeys(prefix + n + ".", out));
    }

    /** Initial values of one of this module's own tensors (torchvision's initialisation). */
    protected float[] initialValues(Parameter p, RandomGenerator rng) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no tensor " + p.getName());
    }

    /** Every module of this tree, depth first, itself included. */
    public final List<TorchModule> allModules() {
        List<TorchModule> out = new ArrayList<>();
        out.add(this);
        modules.values().forEach(m -> out.addAll(m.allModules()));
        return out;
    }

    /**
     * Completes DJL's initialisation once every parameter has been given its array: marks the tree
     * initialised and attaches gradients to trainable parameters.
     */
    public final void bind(NDManager manager, Shape inputShape) {
        initialize(manager, DataType.FLOAT32, inputShape);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // shapes are fixed at construction, so children need no shape inference
        for (TorchModule m : modules.values()) {
            m.initialize(manager, dataType, inputShapes);
        }
    }

    /** Runs this module on one array. */
    public final NDArray apply(NDArray x, boolean training) {
        if (!isInitialized()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not bound to arrays");
        }
        return forward(Store.UNUSED, new NDList(x), training, null).singletonOrThrow();
    }

    /** DJL's forward wants a ParameterStore; ours never reads it (arrays are bound up front). */
    private static final class Store {
        static final ParameterStore UNUSED = new ParameterStore(NDManager.newBaseManager(), false);
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> extra) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    /** The module's computation on one input. */
    protected abstract NDArray forward(NDArray x, boolean training);

    protected final Shape shapeOf(Parameter p) {
        return shapes.get(p);
    }
}
