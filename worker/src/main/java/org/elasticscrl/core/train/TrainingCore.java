package org.elasticscrl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.train.StepProfile.Phase;

/**
 * One replica of the learner, with the step split the way the cluster needs it:
 * {@link #computeGradients} (any worker, any chunks) and {@link #applyUpdate} (every replica, each
 * commit); {@link #step} is the two fused for a single process. Plus snapshot / restore of the
 * complete state and a content checksum of it.
 *
 * <p>Not thread-safe: one thread drives a replica.
 */
public final class TrainingCore implements AutoCloseable {
    private final NDManager manager;
    private final Networks nets;
    private final Objective objective;
    private final StepComputer computer;
    private final ReplicaUpdater updater;
    private final NDArray momentum;
    private final StepProfile profile = new StepProfile();
    private final String layout;
    private final StateLayout stateLayout;
    private long step;

    private TrainingCore(ScrlConfig cfg, int numClasses) {
        manager = NDManager.newBaseManager();
        nets = Networks.create(ModelSpec.of(cfg, numClasses), manager);
        objective = Objectives.create(cfg);
        boolean onlineEval = cfg.train().onlineEval();
        List<ParamGroups.Segment> groups =
                ParamGroups.of(nets.online, cfg.train().optim().excludeBy(), !onlineEval);
        momentum = manager.zeros(new Shape(nets.online.size()));
        computer = new StepComputer(nets, objective, onlineEval);
        updater = new ReplicaUpdater(nets, Lars.of(nets.online, groups, cfg.train().optim()), momentum);
        layout = layoutOf(nets);
        stateLayout = StateLayout.of(layout, nets);
    }

    /**
     * A fresh replica initialised from {@code cfg.seed()}, in a JVM whose native kernels keep what
     * {@code train.deterministic} promises ({@link NativeKernels#require}).
     */
    public static TrainingCore create(ScrlConfig cfg, int numClasses) {
        NativeKernels.require(cfg);
        return new TrainingCore(cfg, numClasses);
    }

    /** The replica's native memory manager (for evaluation scratch). */
    public NDManager manager() {
        return manager;
    }

    public Networks networks() {
        return nets;
    }

    public Objective objective() {
        return objective;
    }

    /** Names, shapes and places of every tensor in a {@link TrainingState}. */
    public StateLayout stateLayout() {
        return stateLayout;
    }

    public StepProfile profile() {
        return profile;
    }

    /** Committed updates applied so far (the global step of the next update). */
    public long globalStep() {
        return step;
    }

    /** Loss, gradients and BatchNorm statistics of {@code chunks}, summed (sample-weighted). */
    public Contribution computeGradients(List<Chunk> chunks) {
        try (NDManager scope = manager.newSubManager()) {
            StepComputer.Sums sums = computer.compute(chunks, scope, profile);
            float[] gradients = profile.time(Phase.GRADIENTS, sums.gradients()::toFloatArray);
            return new Contribution(gradients, sums.statistics().toFloatArray(), sums.metrics());
        }
    }

    /**
     * Each chunk's contribution on its own, in order: what a cluster needs to add contributions in
     * chunk order whichever worker computed them (the same float sums as {@link #step}).
     */
    public List<Contribution> computeEach(List<Chunk> chunks) {
        return chunks.stream().map(c -> computeGradients(List.of(c))).toList();
    }

    /** Applies a committed update (LARS + momentum, EMA, running statistics). */
    public void applyUpdate(Update update) {
        try (NDManager scope = manager.newSubManager()) {
            updater.apply(scope.create(update.meanGradient()), scope.create(update.meanStatistics()),
                    update.hyper(), scope, profile);
        }
        step++;
    }

    /**
     * compute + apply in one process, without taking the sums through Java arrays; the same
     * arithmetic as {@code applyUpdate(Update.mean(computeGradients(chunks), hyper))}.
     */
    public ChunkMetrics step(List<Chunk> chunks, StepHyper hyper) {
        try (NDManager scope = manager.newSubManager()) {
            StepComputer.Sums sums = computer.compute(chunks, scope, profile);
            float inv = Update.inverse(sums.samples());
            updater.apply(sums.gradients().muli(inv), sums.statistics().muli(inv), hyper, scope, profile);
            step++;
            return sums.metrics();
        }
    }

    public TrainingState snapshot() {
        return new TrainingState(layout, step, nets.online.toFloatArray(), nets.target.toFloatArray(),
                momentum.toFloatArray(), nets.buffers.toFloatArray());
    }

    public void restore(TrainingState s) {
        if (!s.layout().equals(layout)) {
            throw new IllegalArgumentException("state was saved from another architecture ("
                    + s.layout() + "), this replica is " + layout);
        }
        nets.online.load(s.online());
        nets.target.load(s.target());
        nets.buffers.load(s.buffers());
        try (NDManager scope = manager.newSubManager()) {
            momentum.set(new ai.djl.ndarray.index.NDIndex(":"), scope.create(s.momentum()));
        }
        step = s.step();
    }

    /** CRC32C of the whole state (step, online, target, momentum, running statistics). */
    public long checksum() {
        CRC32C crc = new CRC32C();
        ByteBuffer header = ByteBuffer.allocate(Long.BYTES).putLong(step).flip();
        crc.update(header);
        crc.update(nets.online.toByteBuffer());
        crc.update(nets.target.toByteBuffer());
        crc.update(momentum.toByteBuffer());
        crc.update(nets.buffers.toByteBuffer());
        return crc.getValue();
    }

    /** An identifier of the architecture: every slab's tensor names and shapes. */
    private static String layoutOf(Networks nets) {
        CRC32C crc = new CRC32C();
        for (Slab slab : List.of(nets.online, nets.target, nets.buffers)) {
            for (Slab.Entry e : slab.entries()) {
                crc.update((e.name() + e.shape()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return nets.spec().depth() + "x" + nets.spec().width() + "-" + Long.toHexString(crc.getValue());
    }

    @Override
    public void close() {
        manager.close();
    }
}
