package org.elasticscrl.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.augment.EvalTransform;
import org.elasticscrl.core.data.DataUnavailableException;
import org.elasticscrl.core.data.ImageList;
import org.elasticscrl.core.data.LabeledBox;
import org.elasticscrl.core.io.Npy;
import org.elasticscrl.core.roi.RoiAlign;
import org.elasticscrl.core.train.TrainingCore;
import org.elasticscrl.report.Csv;

/**
 * {@code scrl features}: frozen-backbone features of a folder of images for users' own probes —
 * {@code features.npy} (pooled, one row per image in {@code images.txt}) and, given boxes,
 * {@code roi_features.npy} (one row per box in {@code rois.csv}). Images are resized whole to the
 * input size, so every box stays in view; boxes are in original-image pixels.
 */
public final class FeatureDump {
    /** Where the outputs went and how many rows each has. */
    public record Result(int images, int rois, int skipped) {}

    private FeatureDump() {}

    public static Result run(TrainingCore core, ScrlConfig cfg, Path images, Path boxesJson, Path out)
            throws IOException {
        Map<String, List<LabeledBox>> boxes = boxesJson == null ? Map.of() : readBoxes(boxesJson);
        ImageList list = ImageList.scan(images, boxes);
        Files.createDirectories(out);
        FeatureExtractor fx = new FeatureExtractor(core.networks(), core.manager(), 64);
        EvalTransform whole = EvalTransform.resizeWhole(cfg.augment().inputSize());
        int[] all = new int[list.size()];
        Arrays.setAll(all, i -> i);
        Features pooled = fx.pooled(list, all, whole);
        Npy.writeFloat32(out.resolve("features.npy"), pooled.values(), pooled.rows(), pooled.dim());
        List<String> imageRows = new ArrayList<>();
        boolean[] read = new boolean[list.size()];
        for (int i : pooled.sources()) {
            imageRows.add(list.relative(i));
            read[i] = true;
        }
        Files.write(out.resolve("images.txt"), imageRows);
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < read.length; i++) {
            if (!read[i]) {
                skipped.add(list.relative(i));
            }
        }
        int rois = 0;
        if (!boxes.isEmpty()) {
            RoiAlign roi = RoiAlign.of(cfg);
            Features f = fx.rois(list, all, whole, roi);
            Npy.writeFloat32(out.resolve("roi_features.npy"), f.values(), f.rows(), f.dim());
            List<String> roiRows = new ArrayList<>(List.of("row,image,box,x1,y1,x2,y2"));
            int box = 0;
            for (int r = 0; r < f.rows(); r++) {
                String image = list.relative(f.sources()[r]);
                box = r > 0 && f.sources()[r] == f.sources()[r - 1] ? box + 1 : 0;
                LabeledBox lb = boxes.get(image).get(box);
                roiRows.add(Csv.row(r, image, box, lb.x1(), lb.y1(), lb.x2(), lb.y2())); // an image path may hold a comma
            }
            Files.write(out.resolve("rois.csv"), roiRows);
            rois = f.rows();
        }
        if (!skipped.isEmpty()) {
            Files.write(out.resolve("skipped.txt"), skipped);
        }
        return new Result(pooled.rows(), rois, skipped.size());
    }
    /** {@code {"relative/path.jpg": [[x1, y1, x2, y2], …], …}} in original-image pixels. */
    static Map<String, List<LabeledBox>> readBoxes(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root == null || !root.isObject()) {
            throw new DataUnavailableException(json + ": expected {\"image.jpg\": [[x1, y1, x2, y2], ...], ...}");
        }
        Map<String, List<LabeledBox>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            List<LabeledBox> list = new ArrayList<>();
            for (JsonNode b : e.getValue()) {
                if (!b.isArray() || b.size() != 4) {
                    throw new DataUnavailableException(json + ": box " + b + " of " + e.getKey()
                            + " is not [x1, y1, x2, y2]");
                }
                try {
                    list.add(new LabeledBox(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(),
                            b.get(3).asDouble(), -1));
                } catch (IllegalArgumentException ex) {
                    throw new DataUnavailableException(json + ": " + e.getKey() + ": " + ex.getMessage());
                }
            }
            out.put(e.getKey(), list);
        }
        return out;
    }
}
