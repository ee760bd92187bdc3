package org.elasticscrl.core.data;

import java.nio.file.Files;

/**
 * The installed Fashion-MNIST splits, read once for all test classes. These tests need the
 * Debian package {@code dataset-fashion-mnist} (CI installs it); without it they fail with the
 * loader's message rather than skip, so a missing install step cannot pass unnoticed.
 */
final class FashionData {
    private static FashionMnist train;
    private static FashionMnist test;

    private FashionData() {}

    static synchronized FashionMnist train() {
        if (train == null) {
            train = load("train");
        }
        return train;
    }

    static synchronized FashionMnist test() {
        if (test == null) {
            test = load("test");
        }
        return test;
    }

    private static FashionMnist load(String split) {
        if (!Files.isDirectory(FashionMnist.DEFAULT_ROOT)) {
            throw new AssertionError("these tests read the real Fashion-MNIST from "
                    + FashionMnist.DEFAULT_ROOT + ": apt-get install -y dataset-fashion-mnist");
        }
        return FashionMnist.load(split);
    }
}
