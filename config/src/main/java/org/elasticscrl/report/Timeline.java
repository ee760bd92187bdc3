package org.elasticscrl.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A membership timeline drawn by JFreeChart: one row per worker (named on the axis), a bar for each span of global
 * steps it computed, and a mark at every event — joins, leaves, faults, lateness, recoveries — in its kind's colour,
 * with a legend below. Coordinator events (takeovers, restarts) go on a row of their own and, as they concern every
 * worker, also as a line across all rows. Rows shrink to stay readable at 30+ workers.
 */
public final class Timeline {
    /** A span of steps {@code [from, to]} during which {@code row} was active. */
    public record Span(String row, long from, long to) {}

    /** An event of {@code row} at {@code step}, of {@code kind}. */
    public record Mark(String row, long step, Kind kind) {}

    /** What a mark means, with its colour. */
    public enum Kind {
        JOINED(new Color(0x1f77b4)), LEFT(new Color(0x7f7f7f)), FAULT(new Color(0xd62728)),
        LATE(new Color(0xff7f0e)), RECOVERED(new Color(0x2ca02c));

        final Color color;

        Kind(Color color) {
            this.color = color;
        }
    }

    static final int W = 1120;
    private static final Color ACTIVE = new Color(0x9ecae1);

    private Timeline() {}

    public static void write(Path png, List<String> rows, List<Span> spans, List<Mark> marks, long lastStep)
            throws IOException {
        int row = rows.size() <= 16 ? 26 : 16;
        ChartUtils.saveChartAsPNG(png.toFile(), chart(rows, spans, marks, lastStep), W, 150 + Math.max(1, rows.size()) * row);
    }

    static JFreeChart chart(List<String> rows, List<Span> spans, List<Mark> marks, long lastStep) {
        XYIntervalSeries active = new XYIntervalSeries("active");
        for (Span s : spans) {
            int r = rows.indexOf(s.row());
            active.add(s.from(), s.from(), Math.max(s.to(), s.from() + 0.2), r, r - 0.3, r + 0.3);
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        bars.addSeries(active);
        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setUseYInterval(true);
        barRenderer.setBarPainter(new StandardXYBarPainter());
        barRenderer.setShadowVisible(false);
        barRenderer.setSeriesPaint(0, ACTIVE);

        XYSeriesCollection events = new XYSeriesCollection();
        XYLineAndShapeRenderer eventRenderer = new XYLineAndShapeRenderer(false, true);
        for (Kind k : Kind.values()) {
            XYSeries s = new XYSeries(k.name().toLowerCase(Locale.ROOT), false, true);
            marks.stream().filter(m -> m.kind() == k).forEach(m -> s.add(Math.max(0, m.step()), rows.indexOf(m.row())));
            eventRenderer.setSeriesPaint(events.getSeriesCount(), k.color);
            eventRenderer.setSeriesShape(events.getSeriesCount(), new Ellipse2D.Double(-4, -4, 8, 8));
            events.addSeries(s);
        }

        NumberAxis steps = new NumberAxis("global step");
        steps.setRange(0, Math.max(1, lastStep) + 0.5);
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        SymbolAxis workers = new SymbolAxis(null, rows.toArray(String[]::new));
        workers.setInverted(true); // the coordinator, then workers in the order they appeared, top down
        workers.setGridBandsVisible(false);
        workers.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, rows.size() <= 16 ? 12 : 10));
        XYPlot plot = new XYPlot(events, steps, workers, eventRenderer);
        plot.setDataset(1, bars);
        plot.setRenderer(1, barRenderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xeeeeee));
        plot.setDomainGridlinePaint(new Color(0xeeeeee));
        marks.stream().filter(m -> m.row().equals("coordinator") && m.kind() == Kind.RECOVERED).forEach(m -> {
            ValueMarker across = new ValueMarker(Math.max(0, m.step()), Kind.RECOVERED.color, new BasicStroke(1.2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
            plot.addDomainMarker(across);
        });
        JFreeChart chart = new JFreeChart("membership by global step", new Font(Font.SANS_SERIF, Font.BOLD, 15), plot,
                true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        return chart;
    }
}
