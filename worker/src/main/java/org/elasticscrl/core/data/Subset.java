package org.elasticscrl.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A view of some items of another dataset, in the order of the given base indices. */
public final class Subset implements Dataset {
    private final Dataset base;
    private final int[] indices;
    private final String how;

    private Subset(Dataset base, int[] indices, String how) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException("index " + i + " outside " + base.name());
            }
        }
        this.base = base;
        this.indices = indices;
        this.how = how;
    }

    /** Items {@code indices} of {@code base} (copied). */
    public static Subset of(Dataset base, int... indices) {
        return new Subset(base, indices.clone(), "chosen");
    }

    /** The first {@code n} items of {@code base}. */
    public static Subset first(Dataset base, int n) {
        checkSize(base, n);
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return new Subset(base, indices, "first");
    }

    /**
     * {@code n} items of {@code base} drawn without replacement from {@code rng} (a partial
     * Fisher-Yates shuffle), kept in base order so files are still read front to back.
     */
    public static Subset random(Dataset base, int n, SplittableRandom rng) {
        checkSize(base, n);
        int[] all = new int[base.size()];
        Arrays.setAll(all, i -> i);
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(i, all.length);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, n);
        Arrays.sort(chosen);
        return new Subset(base, chosen, "random");
    }

    private static void checkSize(Dataset base, int n) {
        if (n < 0 || n > base.size()) {
            throw new IllegalArgumentException("cannot take " + n + " items of " + base.name()
                    + "; expected 0.." + base.size());
        }
    }

    /** The base dataset's index of item {@code index}. */
    public int baseIndex(int index) {
        return indices[index];
    }

    public Dataset base() {
        return base;
    }

    @Override
    public String name() {
        return base.name() + " " + how + " " + indices.length;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Sample get(int index) {
        return base.get(indices[index]);
    }

    @Override
    public List<String> classes() {
        return base.classes();
    }
}
