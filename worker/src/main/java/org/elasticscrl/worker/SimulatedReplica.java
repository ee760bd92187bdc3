package org.elasticscrl.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.data.Datasets;
import org.elasticscrl.core.run.Checkpoint;
import org.elasticscrl.core.run.Checkpoints;
import org.elasticscrl.core.train.ChunkMetrics;
import org.elasticscrl.core.train.Contribution;
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.core.train.Update;
import org.elasticscrl.plan.EpochPlan;

/**
 * A replica that does not learn, for measuring the cluster rather than the model (`scrl worker --simulate`): each
 * chunk takes a stated compute time and contributes a deterministic pseudo-gradient of {@code parameters} floats —
 * a fixed pseudo-random direction times a weight drawn from (seed, epoch, chunk) and the chunk's sample count — so a
 * step's update depends on exactly which chunks it holds, and a chunk counted twice or missed changes the state. The
 * state is a small vector every update folds into (each element of the update lands in it), so replicas that applied
 * the same commits have the same checksum (I1) and a joiner copies it like a real state. No DJL, no data read: many
 * can run in one JVM.
 */
public final class SimulatedReplica implements Replica {
    /**
     * {@code parameters}: the gradient's length; {@code secondsPerChunk}: each chunk's compute time; {@code stateFloats}
     * (a power of two): the state's length.
     */
    public record Settings(int parameters, double secondsPerChunk, int stateFloats) {
        public Settings {
            if (parameters < 1 || !(secondsPerChunk >= 0) || stateFloats < 1 || Integer.bitCount(stateFloats) != 1) {
                throw new IllegalArgumentException("a simulation needs parameters >= 1, seconds per chunk >= 0 and a"
                        + " power-of-two state length, got " + parameters + ", " + secondsPerChunk + ", " + stateFloats);
            }
        }

        /** {@code P:SECONDS} or {@code P:SECONDS:STATE}, e.g. {@code 25600000:0.4}. */
        public static Settings parse(String spec) {
            String[] p = spec.split(":");
            try {
                if (p.length == 2 || p.length == 3) {
                    return new Settings(Integer.parseInt(p[0]), Double.parseDouble(p[1]),
                            p.length == 3 ? Integer.parseInt(p[2]) : 1 << 16);
                }
            } catch (NumberFormatException e) {
                // named below
            }
            throw new IllegalArgumentException("--simulate: '" + spec + "' is not P:SECONDS[:STATE] (gradient floats,"
                    + " compute seconds per chunk, a power-of-two state length), e.g. 25600000:0.4");
        }
    }

    private static final int STATISTICS = 2;
    /** The pseudo-gradients' direction, by (parameters, seed): shared by the replicas of one JVM (read only). */
    private static final Map<String, float[]> DIRECTIONS = new ConcurrentHashMap<>();

    private record Chunks(int epoch, List<Integer> ids, List<Integer> samples) implements Replica.Loaded {}

    private final ScrlConfig cfg;
    private final Settings settings;
    private final int datasetSize;
    private final float[] direction;
    private final StateLayout layout;
    private float[] online;
    private float[] target;
    private float[] statistics = new float[STATISTICS];
    private long step;
    private EpochPlan plan;
    /**
     * The one buffer {@link #compute} writes its contribution into: a worker publishes (copies out) a contribution
     * before it computes the next one, and a new 100 MB array per chunk is garbage many replicas in one JVM pay for.
     */
    private float[] reused;

    private SimulatedReplica(ScrlConfig cfg, Settings settings, int datasetSize) {
        this.cfg = cfg;
        this.settings = settings;
        this.datasetSize = datasetSize;
        this.direction = DIRECTIONS.computeIfAbsent(settings.parameters() + "/" + cfg.seed(),
                k -> direction(settings.parameters(), cfg.seed()));
        this.online = new float[settings.stateFloats()];
        this.target = new float[settings.stateFloats()];
        int s = settings.stateFloats();
        this.layout = new StateLayout("simulated-" + settings.parameters() + "-" + s,
                List.of(new StateLayout.Slot("state", new long[] {s}, 0, s)),
                List.of(new StateLayout.Slot("target.state", new long[] {s}, 0, s)),
                List.of(new StateLayout.Slot("statistics", new long[] {STATISTICS}, 0, STATISTICS)));
    }

    /** A simulated replica of the run {@code cfg} (its training split's size, as the coordinator counts it). */
    public static SimulatedReplica open(ScrlConfig cfg, Settings settings) {
        return new SimulatedReplica(cfg, settings, Datasets.size(cfg, "train"));
    }

    /** As {@link #open}, for a dataset of {@code datasetSize} samples (no data opened). */
    static SimulatedReplica of(ScrlConfig cfg, Settings settings, int datasetSize) {
        return new SimulatedReplica(cfg, settings, datasetSize);
    }

    private static float[] direction(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5EED_D1AECL);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return d;
    }

    /** The weight of chunk {@code chunk} of {@code epoch}, in [0.5, 1.5): a pure function of the run's seed. */
    private double weight(int epoch, int chunk) {
        return 0.5 + new SplittableRandom(cfg.seed() * 1_000_003L + epoch * 65_537L + chunk).nextDouble();
    }

    @Override
    public ScrlConfig config() {
        return cfg;
    }

    @Override
    public int datasetSize() {
        return datasetSize;
    }

    @Override
    public String configYaml() {
        return ConfigLoader.toYaml(cfg);
    }

    @Override
    public int gradientLength() {
        return settings.parameters();
    }

    @Override
    public StateLayout stateLayout() {
        return layout;
    }

    @Override
    public CompletableFuture<Replica.Loaded> load(int epoch, List<Integer> chunkIds) {
        if (plan == null || plan.epoch() != epoch) {
            var t = cfg.train();
            plan = EpochPlan.of(cfg.seed(), epoch, datasetSize, t.chunkSize(), t.chunksPerStep());
        }
        List<Integer> samples = chunkIds.stream().map(c -> plan.chunk(c).length).toList();
        return CompletableFuture.completedFuture(new Chunks(epoch, List.copyOf(chunkIds), samples));
    }

    @Override
    public Contribution compute(Replica.Loaded loaded) {
        Chunks c = (Chunks) loaded;
        long t0 = System.nanoTime();
        double scale = 0;
        ChunkMetrics metrics = ChunkMetrics.NONE;
        for (int i = 0; i < c.ids().size(); i++) {
            double w = weight(c.epoch(), c.ids().get(i));
            scale += w * c.samples().get(i);
            metrics = metrics.plus(metrics(c.samples().get(i), w));
        }
        if (reused == null) {
            reused = new float[direction.length];
        }
        Contribution out = contribution(scale, metrics, reused);
        computeFor(c.ids().size(), t0);
        return out;
    }

    @Override
    public List<Contribution> computeEach(Replica.Loaded loaded) {
        Chunks c = (Chunks) loaded;
        long t0 = System.nanoTime();
        List<Contribution> out = new ArrayList<>();
        for (int i = 0; i < c.ids().size(); i++) {
            double w = weight(c.epoch(), c.ids().get(i));
            out.add(contribution(w * c.samples().get(i), metrics(c.samples().get(i), w)));
        }
        computeFor(c.ids().size(), t0);
        return out;
    }

    private static ChunkMetrics metrics(int samples, double weight) {
        return new ChunkMetrics(samples, samples * (2 - weight), 0, 0, 0, 0, 0, 0);
    }

    private Contribution contribution(double scale, ChunkMetrics metrics) {
        return contribution(scale, metrics, new float[direction.length]);
    }

    /** Into {@code g}: the worker publishes a contribution (copies it out) before it computes the next. */
    private Contribution contribution(double scale, ChunkMetrics metrics, float[] g) {
        float s = (float) scale;
        for (int i = 0; i < g.length; i++) {
            g[i] = direction[i] * s;
        }
        return new Contribution(g, new float[] {metrics.samples(), s}, metrics);
    }

    /** Sleeps out the rest of {@code chunks} chunks' stated compute time (sleeping: many replicas share a JVM). */
    private void computeFor(int chunks, long startNanos) {
        long left = (long) (chunks * settings.secondsPerChunk() * 1e9) - (System.nanoTime() - startNanos);
        if (left > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public long apply(Update update, boolean checksum) {
        float[] g = update.meanGradient();
        if (g.length != direction.length) {
            throw new IllegalArgumentException("an update of " + g.length + " elements for a simulated gradient of "
                    + direction.length);
        }
        int mask = online.length - 1;
        float[] folded = new float[online.length];
        for (int i = 0; i < g.length; i++) { // every element lands in the state
            folded[i & mask] += g[i];
        }
        float lr = (float) update.hyper().lr();
        float tau = (float) update.hyper().tau();
        for (int k = 0; k < online.length; k++) {
            online[k] -= lr * folded[k];
            target[k] = tau * target[k] + (1 - tau) * online[k];
        }
        statistics = update.meanStatistics().clone();
        step++;
        return checksum ? checksum() : 0;
    }

    @Override
    public long checksum() {
        long h = 0xcbf29ce484222325L; // FNV-1a over the state's bits
        for (float[] a : List.of(online, target, statistics)) {
            for (float v : a) {
                h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
            }
        }
        return h;
    }

    @Override
    public TrainingState snapshot() {
        return new TrainingState(layout.id(), step, online.clone(), target.clone(), new float[online.length],
                statistics.clone());
    }

    @Override
    public void restore(TrainingState state) {
        if (!state.layout().equals(layout.id())) {
            throw new IllegalArgumentException("a state of layout " + state.layout() + " cannot be restored into "
                    + layout.id());
        }
        online = state.online().clone();
        target = state.target().clone();
        statistics = state.buffers().clone();
        step = state.step();
    }

    @Override
    public String onlineEval() {
        return "{\"online_accuracy\": 0.0}"; // nothing is learned
    }

    @Override
    public String checkpoint(int epoch, Path runDir) throws IOException {
        return Replica.fileJson(Checkpoints.write(runDir, new Checkpoint(snapshot(), epoch, -1, 0, configYaml()),
                layout));
    }

    @Override
    public Map<String, Object> finalEval() {
        return Map.of(); // nothing is learned
    }

    @Override
    public void close() {
        // nothing held but arrays
    }
}
