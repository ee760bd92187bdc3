package org.elasticscrl.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the report's charts promise: round ticks, legends below the data, gaps, a log axis for decades, 30+ rows. */
class ChartsTest {
    private static final double[] STEPS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static JFreeChart drawn(JFreeChart chart) {
        BufferedImage img = new BufferedImage(560, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        chart.draw(g, new Rectangle2D.Double(0, 0, 560, 360)); // ticks are chosen while drawing
        g.dispose();
        return chart;
    }

    /** The tick labels of the chart's value axis as drawn at 560x360. */
    private static List<String> valueLabels(JFreeChart chart) {
        BufferedImage img = new BufferedImage(560, 360, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
        chart.draw(g, new Rectangle2D.Double(0, 0, 560, 360), info);
        List<?> ticks = chart.getXYPlot().getRangeAxis().refreshTicks(g, new org.jfree.chart.axis.AxisState(),
                info.getPlotInfo().getDataArea(), RectangleEdge.LEFT); // a raw List in JFreeChart's API
        List<String> labels = ticks.stream().map(t -> ((org.jfree.chart.axis.Tick) t).getText())
                .filter(t -> !t.isEmpty()).toList();
        g.dispose();
        return labels;
    }

    /** 1, 2, 2.5 or 5 times a power of ten. */
    private static boolean round(double unit) {
        double m = unit / Math.pow(10, Math.floor(Math.log10(unit)));
        return List.of(1.0, 2.0, 2.5, 5.0).stream().anyMatch(r -> Math.abs(m - r) < 1e-9);
    }

    @Test
    void ticksAreRoundValuesAndANonNegativeAxisDoesNotGoBelowZero() {
        double[] acc = {13.81, 13.78, 13.74, 13.69, 13.65, 13.63, 13.6, 13.58, 13.57, 13.55};
        double[] tau = {0.996, 0.9961, 0.9963, 0.9966, 0.997, 0.9975, 0.998, 0.9986, 0.9992, 0.9999};
        for (double[] y : List.of(acc, tau)) {
            XYPlot plot = drawn(LineChart.chart(new LineChart.Panel("p", "global step",
                    List.of(new LineChart.Series("s", STEPS, y))))).getXYPlot();
            NumberAxis value = assertInstanceOf(NumberAxis.class, plot.getRangeAxis());
            assertTrue(round(value.getTickUnit().getSize()), "tick unit " + value.getTickUnit().getSize());
            assertTrue(round(((NumberAxis) plot.getDomainAxis()).getTickUnit().getSize()));
            assertTrue(value.getLowerBound() >= 0);
            List<String> labels = valueLabels(LineChart.chart(new LineChart.Panel("p", "global step",
                    List.of(new LineChart.Series("s", STEPS, y)))));
            assertTrue(labels.size() >= 3, labels.toString());
            assertEquals(labels.size(), labels.stream().distinct().count(), "distinct labels: " + labels);
            double unit = value.getTickUnit().getSize();
            for (String l : labels) {
                double v = Double.parseDouble(l);
                assertEquals(Math.round(v / unit) * unit, v, unit * 1e-6, "a multiple of the tick unit: " + labels);
            }
        }
        double[] lr = {0.0, 0.1, 0.2, 0.3, 0.28, 0.2, 0.1, 0.05, 0.01, 0.0};
        NumberAxis linear = (NumberAxis) drawn(LineChart.chart(new LineChart.Panel("lr", "step",
                List.of(new LineChart.Series("lr", STEPS, lr))))).getXYPlot().getRangeAxis();
        assertEquals(0, linear.getLowerBound(), 1e-12, "a learning rate axis does not start below zero");
    }

    @Test
    void valuesSpanningDecadesGetALogAxisAndNaNIsAGap() {
        double[] lr = {3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.2, Double.NaN, 0.01};
        XYPlot plot = LineChart.chart(new LineChart.Panel("learning rate", "global step",
                List.of(new LineChart.Series("lr", STEPS, lr)))).getXYPlot();
        assertInstanceOf(LogAxis.class, plot.getRangeAxis());
        XYSeriesCollection data = (XYSeriesCollection) plot.getDataset();
        assertNull(data.getSeries(0).getDataItem(8).getY(), "NaN: a gap, not a joined line");
        assertFalse(LineChart.logScale(List.of(new LineChart.Series("loss", STEPS, new double[] {6, 5.5, 5, 4.8, 4.7,
                4.6, 4.5, 4.4, 4.3, 4.2}))));
        assertFalse(LineChart.logScale(List.of(new LineChart.Series("signed", STEPS, new double[] {-1, 1, 100, 1, 1, 1,
                1, 1, 1, 1}))), "a negative value: linear");
    }

    @Test
    void theLegendIsBelowTheDataWhenThereIsMoreThanOneSeries() {
        double[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        JFreeChart two = LineChart.chart(new LineChart.Panel("p", "x", List.of(new LineChart.Series("a", STEPS, a),
                new LineChart.Series("b", STEPS, a))));
        assertEquals(RectangleEdge.BOTTOM, two.getLegend().getPosition());
        assertNull(LineChart.chart(new LineChart.Panel("p", "x", List.of(new LineChart.Series("a", STEPS, a))))
                .getLegend(), "one series: its name is the title's");
    }

    @Test
    void aTimelineOfThirtyTwoWorkersHasARowEachAndTakeoversAcrossThemAll(@TempDir Path dir) throws Exception {
        List<String> rows = new ArrayList<>(List.of("coordinator"));
        List<Timeline.Span> spans = new ArrayList<>();
        List<Timeline.Mark> marks = new ArrayList<>();
        for (int w = 0; w < 32; w++) {
            rows.add("worker-" + w);
            spans.add(new Timeline.Span("worker-" + w, w, w + 40));
            marks.add(new Timeline.Mark("worker-" + w, w, Timeline.Kind.JOINED));
            marks.add(new Timeline.Mark("worker-" + w, w + 40, Timeline.Kind.FAULT));
        }
        marks.add(new Timeline.Mark("coordinator", 50, Timeline.Kind.RECOVERED));
        JFreeChart chart = Timeline.chart(rows, spans, marks, 80);
        SymbolAxis names = assertInstanceOf(SymbolAxis.class, chart.getXYPlot().getRangeAxis());
        assertEquals(rows, List.of(names.getSymbols()));
        assertEquals(1, chart.getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size(),
                "the takeover is a line across every worker");
        Path png = dir.resolve("timeline.png");
        Timeline.write(png, rows, spans, marks, 80);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Timeline.W, img.getWidth());
        assertTrue(img.getHeight() >= 33 * 14, "rows of at least 14 px: " + img.getHeight());
    }
}
