package org.elasticscrl.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.elasticscrl.config.ConfigException;
import org.elasticscrl.config.DatasetConfig;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.plan.Rng;

/**
 * Opens the dataset a configuration names. Splits are {@code train} and {@code eval}; they map to
 * Fashion-MNIST's {@code train}/{@code test} and an image folder's {@code train}/{@code val}.
 *
 * <p>{@code dataset.train_size} / {@code eval_size} above 0 take a seeded random choice without
 * replacement, keyed by (seed, "subset", split) and kept in file order — not the first N, which
 * for an image folder would be the first classes only. For fashion-scenes they are the number of
 * scenes to compose.
 */
public final class Datasets {
    public static final List<String> SPLITS = List.of("train", "eval");

    /**
     * Loaded Fashion-MNIST splits by (root, split): the pretraining scenes, the linear-evaluation
     * items and the online evaluator all read the same 55 MB, so it is read once per process.
     */
    private static final Map<String, FashionMnist> FASHION = new ConcurrentHashMap<>();

    private Datasets() {}

    /** The pretraining ({@code train}) or evaluation ({@code eval}) images of {@code cfg}. */
    /**
     * The number of samples {@link #open} would give, without loading any data where the configuration says it
     * (fashion-scenes: its configured count) — a simulated replica needs only this, and 60,000 Fashion-MNIST
     * images per simulated worker made a host JVM of eight of them collect garbage for seconds.
     */
    public static int size(ScrlConfig cfg, String split) {
        checkSplit(split);
        DatasetConfig d = cfg.dataset();
        int size = split.equals("train") ? d.trainSize() : d.evalSize();
        return d.name().equals("fashion_scenes") && size >= 1 ? size : open(cfg, split).size();
    }

    public static Dataset open(ScrlConfig cfg, String split) {
        DatasetConfig d = cfg.dataset();
        checkSplit(split);
        boolean train = split.equals("train");
        int size = train ? d.trainSize() : d.evalSize();
        String sizeKey = train ? "dataset.train_size" : "dataset.eval_size";
        return switch (d.name()) {
            case "fashion_scenes" ->
                    new FashionScenes(fashionMnist(d, split), d.scenes(), cfg.seed(), split, size);
            case "fashion_mnist" -> subsample(fashionMnist(d, split), size, sizeKey, cfg.seed(),
                    split);
            default -> subsample(ImageFolder.open(folderRoot(d), train ? "train" : "val"), size,
                    sizeKey, cfg.seed(), split);
        };
    }

    /**
     * The single-object labelled images for the global linear evaluation: Fashion-MNIST itself
     * (train / test, all of it) for fashion-scenes, otherwise the same as {@link #open}.
     */
    public static Dataset items(ScrlConfig cfg, String split) {
        checkSplit(split);
        if (cfg.dataset().name().equals("fashion_scenes")) {
            return fashionMnist(cfg.dataset(), split);
        }
        return open(cfg, split);
    }

    private static void checkSplit(String split) {
        if (split == null || !SPLITS.contains(split)) {
            throw new IllegalArgumentException("dataset split '" + split + "'; expected one of "
                    + SPLITS);
        }
    }

    private static FashionMnist fashionMnist(DatasetConfig d, String split) {
        Path root = d.root() == null ? FashionMnist.DEFAULT_ROOT : Path.of(d.root());
        String source = FashionScenes.SOURCE_SPLIT.get(split);
        String key = root.toAbsolutePath().normalize() + "|" + source;
        return FASHION.computeIfAbsent(key, k -> FashionMnist.load(root, source));
    }

    private static Path folderRoot(DatasetConfig d) {
        if (d.root() == null) {
            throw new DataUnavailableException("dataset.root is not set: dataset.name '"
                    + d.name() + "' reads ROOT/{train,val}/<class>/*.{jpg,jpeg,png}; set"
                    + " --dataset/root=ROOT");
        }
        return Path.of(d.root());
    }

    private static Dataset subsample(Dataset all, int size, String sizeKey, long seed,
            String split) {
        if (size == 0 || size == all.size()) {
            return all;
        }
        if (size > all.size()) {
            throw new ConfigException(sizeKey + ": '" + size + "' is more than the " + all.size()
                    + " images of " + all.name() + "; expected 1.." + all.size() + ", or 0 for"
                    + " all");
        }
        return Subset.random(all, size, Rng.of(seed, Rng.key("subset"), Rng.key(split)));
    }
}
