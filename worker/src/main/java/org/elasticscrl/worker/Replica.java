package org.elasticscrl.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.train.Contribution;
import org.elasticscrl.core.train.StateLayout;
import org.elasticscrl.core.train.TrainingState;
import org.elasticscrl.core.train.Update;

/**
 * A worker's replica of the learner and its data: what the worker actor drives. The learning one is
 * {@link DjlReplica}; {@link SimulatedReplica} stands in for it where the cluster, not the learning, is measured
 * (a stated compute time per chunk, a deterministic pseudo-gradient of any size). Not thread-safe: the actor runs
 * every call on the replica's own thread.
 */
public interface Replica extends AutoCloseable {
    /** A lease's chunks, loaded: what {@link #compute} takes. Opaque to the worker. */
    interface Loaded {}

    ScrlConfig config();

    /** The training split's size (a worker whose size differs from the run's is refused). */
    int datasetSize();

    /** The run's configuration as YAML (what checkpoints record). */
    String configYaml();

    /** Elements of a contribution's gradient (its statistics follow it in the flat vector). */
    int gradientLength();

    /** Where each tensor of the state lives in its flat arrays (snapshots, durable copies). */
    StateLayout stateLayout();

    /** Starts loading chunks {@code chunkIds} of {@code epoch}'s plan. */
    CompletableFuture<Loaded> load(int epoch, List<Integer> chunkIds);

    /**
     * Gradients and statistics of the loaded chunks, summed; {@code null} when none was readable. Its arrays may be
     * the replica's own, valid until it computes again (the worker publishes a contribution before that).
     */
    Contribution compute(Loaded loaded);

    /** One contribution per loaded chunk, in order; {@code null} for a chunk with no readable sample. */
    List<Contribution> computeEach(Loaded loaded);

    /** Applies a committed update; returns the state checksum when asked, else 0. */
    long apply(Update update, boolean checksum);

    /** The checksum of the whole state, as {@link #apply} returns it (DESIGN I1). */
    long checksum();

    TrainingState snapshot();

    void restore(TrainingState state);

    /** Online evaluator accuracy on the evaluation split, as JSON. */
    String onlineEval();

    /** Writes {@code checkpoint_{epoch}} into the run directory; returns its path as JSON. */
    String checkpoint(int epoch, Path runDir) throws IOException;

    /** The offline evaluations, as a map for JSON. */
    Map<String, Object> finalEval();

    @Override
    void close();

    /** A checkpoint task's result: where the file went, as JSON. */
    static String fileJson(Path file) {
        return "{\"file\": \"" + file.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}";
    }
}
