package org.elasticscrl.core.data;

import java.util.List;

/** Indexed, read-only access to a split of a dataset; safe to read from several threads. */
public interface Dataset {
    /** A short description for logs and reports, e.g. {@code fashion-scenes/train (20000)}. */
    String name();

    int size();

    /**
     * Item {@code index} (0-based).
     *
     * @throws UnreadableSampleException if the item's file is corrupt, truncated or unreadable;
     *     loaders skip and count such items
     */
    Sample get(int index);

    /** Class names, index = label. */
    List<String> classes();

    default int numClasses() {
        return classes().size();
    }
}
