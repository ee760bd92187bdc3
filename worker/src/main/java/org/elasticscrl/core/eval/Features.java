package org.elasticscrl.core.eval;

/**
 * Row-major features {@code [rows, dim]} with a label and the dataset index it came from per row;
 * {@code skipped} counts images that could not be read.
 */
public record Features(float[] values, int dim, int[] labels, int[] sources, int skipped) {
    public int rows() {
        return labels.length;
    }
}
