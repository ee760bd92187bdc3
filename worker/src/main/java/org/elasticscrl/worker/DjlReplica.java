package org.elasticscrl.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.augment.TwoViewAugmentation;
import org.elasticscrl.core.data.ChunkLoader;
import org.elasticscrl.core.data.Dataset;
import org.elasticscrl.core.data.Datasets;
import org.elasticscrl.core.eval.Evaluator;
import org.elasticscrl.core.eval.LinearProbe;
import org.elasticscrl.core.run.Checkpoint;
import org.elasticscrl.core.run.Checkpoints;
import org.elasticscrl.core.train.Chunk;
import org.elasticscrl.core.train.Contribution;
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingCore;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.core.train.Update;
import org.elasticscrl.plan.EpochPlan;

/**
 * The replica that learns: the networks on DJL's PyTorch engine and the run's data. Plain Java + DJL,
 * no Pekko; not thread-safe — the actor runs every call on the replica's own thread. Chunks are
 * found from the epoch plan (a pure function of the seed), so a lease only names chunk numbers.
 */
public final class DjlReplica implements Replica {
    /** A lease's chunks, decoded and augmented. */
    private record Chunks(List<ChunkLoader.Loaded> loaded) implements Replica.Loaded {}

    private final ScrlConfig cfg;
    private final Dataset train;
    private final int classes;
    private final TrainingCore core;
    private final ChunkLoader loader;
    private EpochPlan plan;

    private DjlReplica(ScrlConfig cfg, int loaderThreads) {
        this.cfg = cfg;
        this.train = Datasets.open(cfg, "train");
        this.classes = cfg.dataset().numClasses() != null ? cfg.dataset().numClasses() : train.numClasses();
        this.core = TrainingCore.create(cfg, classes);
        this.loader = new ChunkLoader(train, TwoViewAugmentation.of(cfg.augment()), cfg.seed(), loaderThreads);
    }

    /** Opens the data and builds the initial replica (seeded like every other replica). */
    public static DjlReplica open(ScrlConfig cfg, int loaderThreads) {
        return new DjlReplica(cfg, loaderThreads);
    }

    @Override
    public ScrlConfig config() {
        return cfg;
    }

    @Override
    public int datasetSize() {
        return train.size();
    }

    @Override
    public String configYaml() {
        return ConfigLoader.toYaml(cfg);
    }

    @Override
    public int gradientLength() {
        return Math.toIntExact(core.networks().online.size());
    }

    @Override
    public StateLayout stateLayout() {
        return core.stateLayout();
    }

    /** Starts loading chunks {@code chunkIds} of {@code epoch}'s plan (on the loader's pool). */
    @Override
    public CompletableFuture<Replica.Loaded> load(int epoch, List<Integer> chunkIds) {
        EpochPlan p = planOf(epoch);
        List<CompletableFuture<ChunkLoader.Loaded>> parts = new ArrayList<>();
        for (int c : chunkIds) {
            parts.add(loader.load(epoch, p.chunk(c)));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]))
                .thenApply(ignored -> new Chunks(parts.stream().map(CompletableFuture::join).toList()));
    }

    private synchronized EpochPlan planOf(int epoch) {
        if (plan == null || plan.epoch() != epoch) {
            var t = cfg.train();
            plan = EpochPlan.of(cfg.seed(), epoch, train.size(), t.chunkSize(), t.chunksPerStep());
        }
        return plan;
    }

    @Override
    public Contribution compute(Replica.Loaded loaded) {
        List<Chunk> chunks = ((Chunks) loaded).loaded().stream().map(ChunkLoader.Loaded::chunk).filter(c -> c != null)
                .toList();
        return chunks.isEmpty() ? null : core.computeGradients(chunks);
    }

    @Override
    public List<Contribution> computeEach(Replica.Loaded loaded) {
        List<Contribution> out = new ArrayList<>();
        for (ChunkLoader.Loaded l : ((Chunks) loaded).loaded()) {
            out.add(l.chunk() == null ? null : core.computeGradients(List.of(l.chunk())));
        }
        return out;
    }

    @Override
    public long apply(Update update, boolean checksum) {
        core.applyUpdate(update);
        return checksum ? core.checksum() : 0;
    }

    @Override
    public long checksum() {
        return core.checksum();
    }

    @Override
    public TrainingState snapshot() {
        return core.snapshot();
    }

    @Override
    public void restore(TrainingState state) {
        core.restore(state);
    }

    @Override
    public String onlineEval() {
        double acc = new Evaluator(cfg, core.networks(), core.manager()).onlineAccuracy(Datasets.open(cfg, "eval"));
        return "{\"online_accuracy\": " + acc + "}";
    }

    @Override
    public String checkpoint(int epoch, Path runDir) throws IOException {
        Path file = Checkpoints.write(runDir, new Checkpoint(core.snapshot(), epoch, -1, 0, ConfigLoader.toYaml(cfg)),
                core.stateLayout());
        return Replica.fileJson(file);
    }

    @Override
    public Map<String, Object> finalEval() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!cfg.eval().enabled()) {
            return out;
        }
        Evaluator e = new Evaluator(cfg, core.networks(), core.manager());
        out.put("global_linear", probe(e.globalLinear(Datasets.items(cfg, "train"), Datasets.items(cfg, "eval"), classes)));
        if (cfg.eval().roiLinear()) {
            out.put("roi_linear", probe(e.roiLinear(train, Datasets.open(cfg, "eval"), classes)));
        }
        return out;
    }

    private static Map<String, Object> probe(LinearProbe.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("last", r.last());
        m.put("best", r.best());
        m.put("best_epoch", r.bestEpoch());
        m.put("train_rows", r.trainRows());
        m.put("test_rows", r.testRows());
        return m;
    }

    @Override
    public void close() {
        loader.close();
        core.close();
    }
}
