package org.elasticscrl.core.data;

/** A ground-truth object: box {@code [x1, y1, x2, y2)} in image pixels and its class. */
public record LabeledBox(double x1, double y1, double x2, double y2, int label) {
    public LabeledBox {
        if (!(x2 > x1 && y2 > y1)) {
            throw new IllegalArgumentException("empty box [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]");
        }
    }

    public double area() {
        return (x2 - x1) * (y2 - y1);
    }
}
