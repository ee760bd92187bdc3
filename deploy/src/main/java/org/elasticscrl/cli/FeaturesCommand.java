package org.elasticscrl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.eval.FeatureDump;
import org.elasticscrl.core.run.CheckpointModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.elasticscrl.node.ComputeJvm;
import org.elasticscrl.platform.KernelPolicy;

/** {@code scrl features --checkpoint PATH --images DIR --out DIR [--boxes FILE.json]}. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Pooled (and RoI) features of a folder of images as .npy, from a frozen backbone.")
final class FeaturesCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A checkpoint file or a run directory.")
    Path checkpoint;

    @Option(names = "--images", required = true, description = "Folder of .jpg/.jpeg/.png files (searched recursively).")
    Path images;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--boxes", description = "JSON {\"rel/path.jpg\": [[x1, y1, x2, y2], ...]} in image pixels: RoI features too.")
    Path boxes;

    @Override
    public Integer call() throws Exception {
        // deterministic kernels also keep what a train.deterministic: false checkpoint needs (they are capped lower)
        ComputeJvm.relaunchIfNeeded(KernelPolicy.Choice.DETERMINISTIC, java.util.List.of());
        Path file = CheckpointModel.resolve(checkpoint);
        try (CheckpointModel.Opened model = CheckpointModel.open(file)) {
            ScrlConfig cfg = model.config();
            FeatureDump.Result r = FeatureDump.run(model.core(), cfg, images, boxes, out);
            System.out.printf("%d images -> %s/features.npy [%d x %d]%s%s%n", r.images(), out, r.images(),
                    cfg.network().featureDim(),
                    boxes == null ? "" : String.format(", %d boxes -> roi_features.npy", r.rois()),
                    r.skipped() == 0 ? "" : String.format(", %d unreadable images listed in skipped.txt", r.skipped()));
        }
        return 0;
    }
}
