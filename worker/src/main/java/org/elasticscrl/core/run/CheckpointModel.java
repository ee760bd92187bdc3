package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.io.SafeTensors;
import org.elasticscrl.core.train.TrainingCore;

/** A replica rebuilt from a checkpoint alone: its recorded configuration and its state. */
public final class CheckpointModel {
    private CheckpointModel() {}

    /** A run directory means its {@code checkpoint_last}. */
    public static Path resolve(Path checkpointOrRun) {
        return Files.isDirectory(checkpointOrRun) ? checkpointOrRun.resolve(Checkpoints.LAST) : checkpointOrRun;
    }

    /** The configuration recorded in verified checkpoint contents. */
    public static ScrlConfig config(Path file, SafeTensors.Contents c) {
        return ConfigLoader.fromYaml(c.metadata().get("config"), file + " (recorded configuration)");
    }

    /** A replica rebuilt from a checkpoint and the configuration it was trained with. */
    public record Opened(ScrlConfig config, TrainingCore core) implements AutoCloseable {
        @Override
        public void close() {
            core.close();
        }
    }

    /** A training core with the checkpoint's configuration and state (caller closes it). */
    public static Opened open(Path file) throws IOException {
        SafeTensors.Contents c = Checkpoints.verified(file);
        ScrlConfig cfg = config(file, c);
        SafeTensors.Tensor bias = c.tensors().get("online/evaluator.linear.bias");
        if (bias == null) {
            throw new CorruptCheckpointException(file + " has no online evaluator: not a pretraining checkpoint");
        }
        TrainingCore core = TrainingCore.create(cfg, (int) bias.elements());
        try {
            core.restore(Checkpoints.decode(file, c, core.stateLayout()).state());
            return new Opened(cfg, core);
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
    }
}
