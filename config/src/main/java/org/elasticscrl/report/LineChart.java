package org.elasticscrl.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small line charts drawn with Java2D into one PNG: a grid of panels, each with its series, axes,
 * ticks and a legend. Enough for training curves without a plotting dependency.
 */
public final class LineChart {
    /** One curve; NaN values are gaps. */
    public record Series(String name, double[] x, double[] y) {}

    /** One panel of the grid. */
    public record Panel(String title, String xLabel, List<Series> series) {}

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
    };
    private static final int W = 560;
    private static final int H = 360;

    private LineChart() {}

    /** Renders {@code panels} in a grid of {@code columns} and writes a PNG. */
    public static void write(Path png, List<Panel> panels, int columns) throws IOException {
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * W, Math.max(1, rows) * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            draw(g, panels.get(i), (i % columns) * W, (i / columns) * H);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void draw(Graphics2D g, Panel p, int ox, int oy) {
        int left = ox + 70;
        int right = ox + W - 20;
        int top = oy + 40;
        int bottom = oy + H - 50;
        double[] xr = range(p.series(), true);
        double[] yr = range(p.series(), false);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(p.title(), left, oy + 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xdddddd));
        for (int t = 0; t <= 4; t++) {
            int y = bottom - t * (bottom - top) / 4;
            int x = left + t * (right - left) / 4;
            g.drawLine(left, y, right, y);
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(yr[0] + t * (yr[1] - yr[0]) / 4), ox + 8, y + 4);
            g.drawString(label(xr[0] + t * (xr[1] - xr[0]) / 4), x - 15, bottom + 18);
            g.setColor(new Color(0xdddddd));
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(p.xLabel(), (left + right) / 2 - 20, bottom + 38);
        int legend = 0;
        for (int s = 0; s < p.series().size(); s++) {
            Series series = p.series().get(s);
            g.setColor(PALETTE[s % PALETTE.length]);
            g.setStroke(new BasicStroke(1.8f));
            Path2D path = new Path2D.Double();
            boolean pen = false;
            int points = 0;
            for (int i = 0; i < series.x().length; i++) {
                double x = series.x()[i];
                double y = series.y()[i];
                if (!Double.isFinite(x) || !Double.isFinite(y)) {
                    pen = false;
                    continue;
                }
                double px = left + (x - xr[0]) / (xr[1] - xr[0]) * (right - left);
                double py = bottom - (y - yr[0]) / (yr[1] - yr[0]) * (bottom - top);
                if (pen) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                }
                pen = true;
                points++;
                if (series.x().length <= 40) {
                    g.fillOval((int) px - 3, (int) py - 3, 6, 6);
                }
            }
            if (points > 0) {
                g.draw(path);
            }
            g.drawString(series.name(), right - 150, top + 16 + 16 * legend++);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static double[] range(List<Series> series, boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : xAxis ? s.x() : s.y()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12) {
            double pad = Math.max(Math.abs(lo) * 0.05, 1e-3);
            return new double[] {lo - pad, hi + pad};
        }
        double pad = xAxis ? 0 : (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-2 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.3g", v);
    }
}
