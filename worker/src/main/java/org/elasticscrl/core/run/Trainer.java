package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.LrSchedule;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.config.TauSchedule;
import org.elasticscrl.core.augment.TwoViewAugmentation;
import org.elasticscrl.core.data.ChunkLoader;
import org.elasticscrl.core.data.Dataset;
import org.elasticscrl.core.data.Datasets;
import org.elasticscrl.core.eval.Evaluator;
import org.elasticscrl.core.eval.LinearProbe;
import org.elasticscrl.core.report.RunReport;
import org.elasticscrl.report.MetricsLog;
import org.elasticscrl.core.train.Chunk;
import org.elasticscrl.core.train.ChunkMetrics;
import org.elasticscrl.core.train.StepHyper;
import org.elasticscrl.core.train.TrainingCore;
import org.elasticscrl.plan.EpochPlan;

/**
 * Single-process pretraining ({@code scrl train}): the reference trainer's loop on our learning
 * core — epochs of planned steps with prefetched, augmented chunks, per-step LR and τ, online
 * evaluation, checkpoints every {@code snapshot_interval} epochs and at the end, automatic resume
 * from {@code load_dir} / {@code save_dir}, then the offline evaluations.
 */
public final class Trainer {
    private final ScrlConfig cfg;
    private final RunDirectory run;
    private final TrainListener listener;
    private final Dataset train;
    private final int classes;

    public Trainer(ScrlConfig cfg, RunDirectory run, TrainListener listener) {
        this.cfg = cfg;
        this.run = run;
        this.listener = listener;
        this.train = Datasets.open(cfg, "train");
        this.classes = cfg.dataset().numClasses() != null ? cfg.dataset().numClasses() : train.numClasses();
    }

    public TrainResult run() throws IOException {
        run.writeConfig(ConfigLoader.toYaml(cfg));
        try (TrainingCore core = TrainingCore.create(cfg, classes); MetricsLog log = new MetricsLog(run.path())) {
            Checkpoint resumed = resume(core);
            int startEpoch = resumed == null ? 1 : resumed.epoch() + 1;
            double best = resumed == null ? Double.NaN : resumed.bestScore();
            int bestEpoch = resumed == null ? 0 : resumed.bestEpoch();
            Loop loop = new Loop(core, log, best, bestEpoch, startEpoch - 1);
            long t0 = System.nanoTime();
            if (cfg.train().enabled() && startEpoch <= cfg.train().maxEpochs()) {
                listener.info("training " + cfg.objective().toUpperCase() + " on " + train.name() + " from epoch "
                        + startEpoch + " of " + cfg.train().maxEpochs() + " in " + run);
                loop.epochs(startEpoch);
            } else if (cfg.train().enabled()) {
                listener.info("checkpoint is at the last epoch (" + cfg.train().maxEpochs() + "): evaluating only");
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            LinearProbe.Result global = null;
            LinearProbe.Result roi = null;
            if (cfg.eval().enabled()) {
                Evaluator evaluator = new Evaluator(cfg, core.networks(), core.manager());
                listener.info("offline linear evaluation on frozen features");
                global = evaluator.globalLinear(Datasets.items(cfg, "train"), Datasets.items(cfg, "eval"), classes);
                if (cfg.eval().roiLinear()) {
                    listener.info("RoI linear evaluation on ground-truth boxes");
                    roi = evaluator.roiLinear(train, Datasets.open(cfg, "eval"), classes);
                }
            }
            TrainResult result = new TrainResult(run.path(), loop.lastEpoch, core.globalStep(), loop.images,
                    loop.lastLoss, loop.lastOnline, loop.best, global, roi, trainSeconds);
            RunReport.write(run.path(), result, log);
            return result;
        }
    }

    /** Restores from {@code load_dir} or {@code save_dir}, as the reference does. */
    private Checkpoint resume(TrainingCore core) throws IOException {
        Path from = cfg.loadDir() != null ? Path.of(cfg.loadDir()) : run.path();
        Path file = from.resolve(Checkpoints.LAST);
        if (!Files.exists(file)) {
            if (cfg.loadDir() != null) {
                throw new IOException("load_dir " + from + " has no " + Checkpoints.LAST
                        + ": give the run directory of a finished or interrupted run");
            }
            if (!cfg.train().enabled()) {
                // as the reference: without a checkpoint the randomly initialised backbone is evaluated
                listener.info("no checkpoint in " + from + ": evaluating the randomly initialised backbone"
                        + " (pass --load_dir RUN_DIR to evaluate a trained one)");
            }
            return null;
        }
        Checkpoint c = Checkpoints.read(file, core.stateLayout());
        core.restore(c.state());
        listener.info("resumed from " + file.toRealPath() + " (epoch " + c.epoch() + ", step " + c.state().step() + ")");
        return c;
    }

    /** The epoch loop and what it has measured so far. */
    private final class Loop {
        private final TrainingCore core;
        private final MetricsLog log;
        private double best;
        private int bestEpoch;
        private int lastEpoch;
        private long images;
        private double lastLoss = Double.NaN;
        private double lastOnline = Double.NaN;

        Loop(TrainingCore core, MetricsLog log, double best, int bestEpoch, int lastEpoch) {
            this.core = core;
            this.log = log;
            this.best = best;
            this.bestEpoch = bestEpoch;
            this.lastEpoch = lastEpoch;
        }

        void epochs(int startEpoch) throws IOException {
            var t = cfg.train();
            long spe = EpochPlan.stepsPerEpoch(train.size(), t.batchSizeTrain());
            LrSchedule lr = LrSchedule.pretraining(t, spe);
            TauSchedule tau = TauSchedule.of(t, spe);
            Dataset evalData = t.onlineEval() ? Datasets.open(cfg, "eval") : null;
            Evaluator evaluator = new Evaluator(cfg, core.networks(), core.manager());
            try (ChunkLoader loader = new ChunkLoader(train, TwoViewAugmentation.of(cfg.augment()), cfg.seed(),
                    t.numWorkers())) {
                double rate = Double.NaN;
                long started = System.nanoTime();
                long stepsDone = 0;
                for (int epoch = startEpoch; epoch <= t.maxEpochs(); epoch++) {
                    long e0 = System.nanoTime();
                    EpochPlan plan = EpochPlan.of(cfg.seed(), epoch, train.size(), t.chunkSize(), t.chunksPerStep());
                    Prefetch prefetch = new Prefetch(loader, plan, Math.max(2, 2 * t.chunksPerStep()));
                    List<String> skipped = new ArrayList<>();
                    double lossSum = 0;
                    long lossSamples = 0;
                    for (int s = 0; s < plan.steps(); s++) {
                        long s0 = System.nanoTime();
                        List<Chunk> chunks = new ArrayList<>();
                        for (int c = 0; c < plan.chunksOfStep(s).size(); c++) {
                            ChunkLoader.Loaded l = prefetch.next();
                            skipped.addAll(l.skipped());
                            if (l.chunk() != null) {
                                chunks.add(l.chunk());
                            }
                        }
                        long global = (epoch - 1) * spe + s;
                        if (chunks.isEmpty()) {
                            listener.info("step " + global + ": no readable sample, skipped");
                            continue;
                        }
                        StepHyper h = new StepHyper(lr.valueAt(global), tau.valueAt(global), t.optim().weightDecay());
                        ChunkMetrics m = core.step(chunks, h);
                        double secs = (System.nanoTime() - s0) / 1e9;
                        double now = m.samples() / secs;
                        rate = Double.isNaN(rate) ? now : 0.9 * rate + 0.1 * now;
                        images += m.samples();
                        stepsDone++;
                        lossSum += m.sslLossSum();
                        lossSamples += m.samples();
                        lastLoss = m.sslLoss();
                        long remaining = lr.totalSteps() - global - 1;
                        double eta = remaining * (System.nanoTime() - started) / 1e9 / stepsDone;
                        log.step(new MetricsLog.StepRow(global, epoch, m.sslLoss(), m.ceLoss(), m.accuracy(),
                                h.lr(), h.tau(), rate, secs));
                        listener.step(new TrainListener.StepEvent(epoch, t.maxEpochs(), s + 1, plan.steps(), global,
                                lr.totalSteps(), m.sslLoss(), m.ceLoss(), m.accuracy(), h.lr(), h.tau(), rate, eta));
                    }
                    double online = Double.NaN;
                    if (evalData != null && (epoch % t.validInterval() == 0 || epoch == t.maxEpochs())) {
                        online = evaluator.onlineAccuracy(evalData);
                        lastOnline = online;
                        if (Double.isNaN(best) || online > best) {
                            best = online;
                            bestEpoch = epoch;
                        }
                    }
                    Path checkpoint = null;
                    if (epoch % t.snapshotInterval() == 0 || epoch == t.maxEpochs()) {
                        checkpoint = Checkpoints.write(run.path(), new Checkpoint(core.snapshot(), epoch,
                                Double.isNaN(best) ? -1 : best, bestEpoch, ConfigLoader.toYaml(cfg)), core.stateLayout());
                    }
                    double seconds = (System.nanoTime() - e0) / 1e9;
                    double epochLoss = lossSamples == 0 ? Double.NaN : lossSum / lossSamples;
                    log.epoch(new MetricsLog.EpochRow(epoch, epochLoss, online, skipped.size(), seconds));
                    listener.epoch(new TrainListener.EpochEvent(epoch, epochLoss, online, List.copyOf(skipped),
                            checkpoint, seconds));
                    lastEpoch = epoch;
                }
            }
        }
    }

    /** Keeps up to {@code depth} chunks of the epoch loading ahead of the training step. */
    private static final class Prefetch {
        private final ChunkLoader loader;
        private final EpochPlan plan;
        private final int depth;
        private final Deque<CompletableFuture<ChunkLoader.Loaded>> queue = new ArrayDeque<>();
        private int nextChunk;

        Prefetch(ChunkLoader loader, EpochPlan plan, int depth) {
            this.loader = loader;
            this.plan = plan;
            this.depth = depth;
            fill();
        }

        private void fill() {
            while (queue.size() < depth && nextChunk < plan.chunks()) {
                queue.add(loader.load(plan.epoch(), plan.chunk(nextChunk++)));
            }
        }

        ChunkLoader.Loaded next() {
            ChunkLoader.Loaded l = queue.removeFirst().join();
            fill();
            return l;
        }
    }
}
