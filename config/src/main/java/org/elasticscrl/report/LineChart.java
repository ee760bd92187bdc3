package org.elasticscrl.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.RangeType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts drawn by JFreeChart into one PNG: a grid of panels, each with its series. Axes take round tick values;
 * legends sit below the data; a NaN is a gap (a worker absent from those steps is not joined across them); a value
 * axis whose positive values span two decades or more (a learning rate's warm-up and decay) is logarithmic.
 */
public final class LineChart {
    /** One curve; NaN values are gaps. */
    public record Series(String name, double[] x, double[] y) {}

    /** One panel of the grid. */
    public record Panel(String title, String xLabel, List<Series> series) {}

    /** Matplotlib's first colours: distinct, and what readers of training curves expect. */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };
    /** Positive values spanning this factor or more are drawn on a log axis. */
    static final double LOG_SPAN = 100;
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
            chart(panels.get(i)).draw(g, new Rectangle2D.Double((i % columns) * W, (i / columns) * H, W, H));
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** One panel as a chart. */
    static JFreeChart chart(Panel p) {
        boolean log = logScale(p.series());
        XYSeriesCollection data = new XYSeriesCollection();
        int points = 0;
        for (Series s : p.series()) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                xy.add(s.x()[i], Double.isFinite(y) && (!log || y > 0) ? Double.valueOf(y) : null); // null: a gap
            }
            data.addSeries(xy);
            points = Math.max(points, s.x().length);
        }
        NumberAxis x = new NumberAxis(p.xLabel());
        x.setAutoRangeIncludesZero(false);
        ValueAxis y = log ? logAxis() : valueAxis(nonNegative(p.series()));
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, points <= 40);
        for (int i = 0; i < p.series().size(); i++) {
            lines.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            lines.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        XYPlot plot = new XYPlot(data, x, y, lines);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(p.title(), new Font(Font.SANS_SERIF, Font.BOLD, 15), plot,
                p.series().size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM); // outside the data
        }
        return chart;
    }

    /** {@code nonNegative}: the auto range's margin does not go below zero (a learning rate does not read -0.2). */
    private static NumberAxis valueAxis(boolean nonNegative) {
        NumberAxis y = new NumberAxis();
        y.setAutoRangeIncludesZero(false);
        if (nonNegative) {
            y.setRangeType(RangeType.POSITIVE);
        }
        return y;
    }

    private static boolean nonNegative(List<Series> series) {
        return series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).filter(Double::isFinite).allMatch(v -> v >= 0);
    }

    /** Ticks at whole powers of ten, written as decimals (0.001, 0.01, 0.1). */
    private static LogAxis logAxis() {
        LogAxis y = new LogAxis("log scale");
        y.setSmallestValue(Double.MIN_NORMAL);
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setNumberFormatOverride(new DecimalFormat("0.##########", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return y;
    }

    /** Whether the panel's finite values are all ≥ 0 and its positive ones span {@link #LOG_SPAN} or more. */
    static boolean logScale(List<Series> series) {
        double[] ys = series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).filter(Double::isFinite).toArray();
        if (ys.length == 0 || Arrays.stream(ys).anyMatch(v -> v < 0)) {
            return false;
        }
        double min = Arrays.stream(ys).filter(v -> v > 0).min().orElse(0);
        double max = Arrays.stream(ys).max().orElse(0);
        return min > 0 && max / min >= LOG_SPAN;
    }
}
