package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.elasticscrl.core.run.BackboneExport;
import org.elasticscrl.core.run.CheckpointModel;
import org.elasticscrl.core.run.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scrl export --checkpoint PATH --out FILE.safetensors}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the online backbone with torchvision parameter names (safetensors).")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A checkpoint file or a run directory (its checkpoint_last).")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "Output .safetensors file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file = CheckpointModel.resolve(checkpoint);
        int n = BackboneExport.export(file, out);
        System.out.println("wrote " + n + " tensors to " + out);
        BackboneExport.compatibilityNotes(CheckpointModel.config(file, Checkpoints.verified(file)))
                .forEach(System.out::println);
        return 0;
    }
}
