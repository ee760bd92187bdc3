package org.elasticscrl.core.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.io.SafeTensors;
import org.elasticscrl.core.nn.ResNet;

/**
 * {@code scrl export}: the online backbone of a checkpoint as a safetensors file keyed like
 * torchvision's {@code state_dict} ({@code conv1.weight}, …, {@code layer4.2.bn3.num_batches_tracked}),
 * loadable with {@code strict=False} into {@code torchvision.models.resnetXX()} (only {@code fc.*}
 * missing) — the way the seed's users take backbones to Detectron2.
 */
public final class BackboneExport {
    private BackboneExport() {}

    /** Writes the export and returns the number of tensors. */
    public static int export(Path checkpoint, Path out) throws IOException {
        SafeTensors.Contents c = Checkpoints.verified(checkpoint);
        ScrlConfig cfg = CheckpointModel.config(checkpoint, c);
        var n = cfg.network();
        ResNet shape = ResNet.create(n.depth(), n.width(),
                n.stem().equals("small") ? ResNet.Stem.SMALL : ResNet.Stem.IMAGENET, false);
        long step = Long.parseLong(c.metadata().get("step"));
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (String key : shape.stateDictKeys()) {
            if (key.endsWith("num_batches_tracked")) {
                // one running-statistics update per committed step
                tensors.put(key, SafeTensors.Tensor.i64(new long[0], step));
                continue;
            }
            boolean buffer = key.endsWith("running_mean") || key.endsWith("running_var");
            String source = (buffer ? "buffers/" : "online/") + "backbone." + key;
            SafeTensors.Tensor t = c.tensors().get(source);
            if (t == null) {
                throw new CorruptCheckpointException(checkpoint + " lacks " + source + " for " + n.name());
            }
            tensors.put(key, t);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("architecture", n.name() + (n.width() == 64 ? "" : " width " + n.width())
                + (n.stem().equals("small") ? " small stem (3x3/1 conv1, no maxpool)" : ""));
        meta.put("source", checkpoint.getFileName().toString());
        meta.put("objective", cfg.objective());
        meta.put("step", Long.toString(step));
        SafeTensors.write(out, tensors, meta);
        return tensors.size();
    }

    /** torchvision builds only width 64 with the ImageNet stem; other shapes need a custom model. */
    public static List<String> compatibilityNotes(ScrlConfig cfg) {
        var n = cfg.network();
        if (n.width() == 64 && n.stem().equals("imagenet")) {
            return List.of("loads into torchvision.models." + n.name() + "() with strict=False (fc.* missing)");
        }
        return List.of("torchvision names, but " + n.name() + " with width " + n.width() + " and stem '" + n.stem()
                + "' is not a stock torchvision model: build one with those layer widths"
                + (n.stem().equals("small") ? ", conv1 = Conv2d(3, width, 3, 1, 1, bias=False), maxpool = Identity()" : ""));
    }
}
