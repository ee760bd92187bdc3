package org.elasticscrl.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A membership timeline as a PNG: one row per worker, a bar for each span it computed (by global
 * step), and a mark at every event — joins, leaves, faults — in the colour of its kind, with a
 * legend. Coordinator events (takeovers, restarts) go on a row of their own.
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

    private static final int W = 1120;
    private static final int ROW = 28;
    private static final int LEFT = 130;

    private Timeline() {}

    public static void write(Path png, List<String> rows, List<Span> spans, List<Mark> marks, long lastStep)
            throws IOException {
        int h = 90 + Math.max(1, rows.size()) * ROW;
        BufferedImage img = new BufferedImage(W, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, h);
        int right = W - 20;
        int top = 40;
        double scale = (right - LEFT) / (double) Math.max(1, lastStep);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("membership by global step", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < rows.size(); i++) {
            int y = top + i * ROW;
            g.setColor(Color.BLACK);
            g.drawString(rows.get(i), 8, y + ROW / 2 + 4);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(LEFT, y + ROW / 2, right, y + ROW / 2);
            g.setColor(new Color(0x9ecae1));
            for (Span s : spans) {
                if (s.row().equals(rows.get(i))) {
                    int x0 = LEFT + (int) (s.from() * scale);
                    int x1 = LEFT + (int) (s.to() * scale);
                    g.fillRect(x0, y + 6, Math.max(2, x1 - x0), ROW - 12);
                }
            }
            g.setStroke(new BasicStroke(2));
            for (Mark m : marks) {
                if (m.row().equals(rows.get(i))) {
                    int x = LEFT + (int) (Math.max(0, m.step()) * scale);
                    g.setColor(m.kind().color);
                    g.drawLine(x, y + 2, x, y + ROW - 2);
                    g.fillOval(x - 4, y + ROW / 2 - 4, 8, 8);
                }
            }
        }
        int axis = top + rows.size() * ROW + 8;
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, axis, right, axis);
        for (int t = 0; t <= 5; t++) {
            long step = Math.round(lastStep * t / 5.0);
            int x = LEFT + (int) (step * scale);
            g.drawLine(x, axis, x, axis + 4);
            g.drawString(Long.toString(step), x - 8, axis + 17);
        }
        int lx = LEFT;
        for (Kind k : Kind.values()) {
            g.setColor(k.color);
            g.fillOval(lx, axis + 28, 9, 9);
            g.setColor(Color.BLACK);
            String name = k.name().toLowerCase(java.util.Locale.ROOT);
            g.drawString(name, lx + 13, axis + 37);
            lx += 30 + g.getFontMetrics().stringWidth(name);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
