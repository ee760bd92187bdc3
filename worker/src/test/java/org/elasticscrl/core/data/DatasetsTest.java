package org.elasticscrl.core.data;

import static org.elasticscrl.core.data.IdxReaderTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.elasticscrl.config.ConfigException;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path tmp;

    private static ScrlConfig cpu(String... overrides) {
        return ConfigLoader.load("scrl_cpu", List.of(overrides));
    }

    @Test
    void fashionScenesPretrainOnScenesAndEvaluateOnItems() {
        ScrlConfig cfg = cpu("--seed=3");
        Dataset train = Datasets.open(cfg, "train");
        Dataset eval = Datasets.open(cfg, "eval");
        assertInstanceOf(FashionScenes.class, train);
        assertEquals("fashion-scenes/train (20000)", train.name());
        assertEquals("fashion-scenes/eval (2000)", eval.name());
        assertEquals(new FashionScenes(FashionData.train(), cfg.dataset().scenes(), 3, "train",
                20000).get(5).boxes(), train.get(5).boxes());
        FashionMnist items = (FashionMnist) Datasets.items(cfg, "train");
        assertEquals("train", items.split());
        assertEquals(60_000, items.size());
        assertEquals("test", ((FashionMnist) Datasets.items(cfg, "eval")).split());
        assertSame(items, Datasets.items(cfg, "train"), "Fashion-MNIST is read once");
        assertEquals(20000, Datasets.size(cfg, "train"));
        assertEquals(2000, Datasets.size(cfg, "eval"));
    }

    @Test
    void fashionMnistSubsamplesASeededChoiceWithoutReplacement() {
        ScrlConfig cfg = cpu("--dataset/name=fashion_mnist", "--dataset/train_size=1000",
                "--dataset/eval_size=0");
        Subset a = (Subset) Datasets.open(cfg, "train");
        Subset b = (Subset) Datasets.open(cfg, "train");
        assertEquals(1000, a.size());
        int[] perClass = new int[10];
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.baseIndex(i), b.baseIndex(i), "deterministic");
            if (i > 0) {
                assertTrue(a.baseIndex(i) > a.baseIndex(i - 1), "distinct, in file order");
            }
            perClass[a.get(i).label()]++;
        }
        assertTrue(a.baseIndex(999) > 50_000, "spread over the split, not the first 1000");
        for (int n : perClass) {
            assertTrue(n > 60 && n < 140, "roughly balanced: " + n);
        }
        Subset other = (Subset) Datasets.open(cpu("--dataset/name=fashion_mnist",
                "--dataset/train_size=1000", "--seed=1"), "train");
        assertNotEquals(a.baseIndex(0) + "," + a.baseIndex(1),
                other.baseIndex(0) + "," + other.baseIndex(1));
        assertEquals(10_000, Datasets.open(cfg, "eval").size());
        assertEquals(10_000, Datasets.size(cfg, "eval"));
        assertEquals(1000, Datasets.size(cfg, "train"));
        assertEquals(Datasets.open(cfg, "train").classes(), Datasets.items(cfg, "train").classes());
    }

    @Test
    void subsetLargerThanTheDataIsAConfigError() {
        ScrlConfig cfg = cpu("--dataset/name=fashion_mnist", "--dataset/eval_size=20000");
        ConfigException e = assertThrows(ConfigException.class, () -> Datasets.open(cfg, "eval"));
        assertMentions(e, "dataset.eval_size", "20000", "10000", "0 for all");
    }

    @Test
    void imageFoldersReadTrainAndVal() throws IOException {
        for (String dir : List.of("train/a", "train/b", "val/a", "val/b")) {
            Path d = Files.createDirectories(tmp.resolve(dir));
            ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png",
                    d.resolve("x.png").toFile());
        }
        for (String name : List.of("image_folder", "imagenet")) {
            ScrlConfig cfg = cpu("--dataset/name=" + name, "--dataset/root=" + tmp,
                    "--dataset/train_size=0", "--dataset/eval_size=0");
            ImageFolder train = (ImageFolder) Datasets.open(cfg, "train");
            ImageFolder val = (ImageFolder) Datasets.items(cfg, "eval");
            assertEquals("train", train.split());
            assertEquals("val", val.split());
            assertEquals(List.of("a", "b"), val.classes());
        }
        ScrlConfig sub = cpu("--dataset/name=image_folder", "--dataset/root=" + tmp,
                "--dataset/train_size=1", "--dataset/eval_size=0");
        assertEquals(1, Datasets.open(sub, "train").size());
    }

    @Test
    void imageFolderWithoutRootSaysWhatToSet() {
        ScrlConfig cfg = cpu("--dataset/name=imagenet", "--dataset/train_size=0",
                "--dataset/eval_size=0");
        assertMentions(assertThrows(DataUnavailableException.class,
                () -> Datasets.open(cfg, "train")), "dataset.root", "--dataset/root=ROOT",
                "{train,val}");
    }

    @Test
    void unknownSplitIsRejected() {
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Datasets.open(cpu(), "test")), "'test'", "[train, eval]");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> Datasets.items(cpu(), null)), "'null'");
    }
}
