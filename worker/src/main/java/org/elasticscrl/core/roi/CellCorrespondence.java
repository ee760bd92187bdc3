package org.elasticscrl.core.roi;

/**
 * Where a point of one view lies in another view of the same image, from the two crops and flips
 * alone: the crop algebra of REFERENCE §2.5 (view pixels → original pixels → view pixels, a
 * horizontal flip mirroring view x as {@code S − x}). For feature cells (REFERENCE §11), cell
 * {@code (u, v)} of a {@code side x side} map has its centre at view pixel
 * {@code ((u + 0.5)·S/side, (v + 0.5)·S/side)}, and a view pixel x is feature coordinate
 * {@code x·side/S − 0.5}, so that cell centres sit at integers.
 */
public final class CellCorrespondence {
    private CellCorrespondence() {}

    /**
     * A point in the other view: its feature coordinates (cell centres at integers) and whether it
     * falls inside that view, i.e. its view pixel is in {@code [0, S)} on both axes.
     */
    public record Point(double x, double y, boolean inside) {}

    /** View-{@code b} pixel coordinates {@code [x, y]} of view-{@code a} pixel {@code (x, y)}. */
    public static double[] viewToView(CropBox a, CropBox b, int viewSize, double x, double y) {
        double xa = a.flipped() ? viewSize - x : x;
        double originalX = a.left() + xa * a.width() / viewSize;
        double originalY = a.top() + y * a.height() / viewSize;
        double xb = (originalX - b.left()) * viewSize / b.width();
        double yb = (originalY - b.top()) * viewSize / b.height();
        return new double[] {b.flipped() ? viewSize - xb : xb, yb};
    }

    /** Where the centre of cell {@code (u, v)} of view {@code a}'s map lands on view {@code b}'s map. */
    public static Point ofCell(CropBox a, CropBox b, int viewSize, int side, int u, int v) {
        double cell = (double) viewSize / side;
        double[] p = viewToView(a, b, viewSize, (u + 0.5) * cell, (v + 0.5) * cell);
        boolean inside = p[0] >= 0 && p[0] < viewSize && p[1] >= 0 && p[1] < viewSize;
        return new Point(p[0] / cell - 0.5, p[1] / cell - 0.5, inside);
    }
}
