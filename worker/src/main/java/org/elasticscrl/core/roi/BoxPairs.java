package org.elasticscrl.core.roi;

/**
 * The matched RoIs of one image: {@code view1[k]} and {@code view2[k]} are boxes
 * {@code [x1, y1, x2, y2]} in view pixels, clipped to {@code [0, S]}, that cover the same region
 * of the original image. {@code raw1/raw2} are the same boxes before clipping (flip applied), kept
 * for checks. An image whose crops do not overlap enough has no pairs ({@link #skipped()}).
 *
 * @param fallbacks how many of the boxes were kept after all tries failed the IoU test
 */
public record BoxPairs(double[][] view1, double[][] view2, double[][] raw1, double[][] raw2, int fallbacks) {
    public static final BoxPairs SKIPPED =
            new BoxPairs(new double[0][], new double[0][], new double[0][], new double[0][], 0);

    public boolean skipped() {
        return view1.length == 0;
    }

    public int size() {
        return view1.length;
    }
}
