package org.elasticscrl.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @Test
    void chartIsAPngWithTheCurvesDrawn(@TempDir Path dir) throws Exception {
        double[] x = {0, 1, 2, 3, 4};
        Path png = dir.resolve("c.png");
        LineChart.write(png, List.of(
                new LineChart.Panel("loss", "step", List.of(new LineChart.Series("a", x, new double[] {4, 3, 2, Double.NaN, 1}))),
                new LineChart.Panel("flat", "step", List.of(new LineChart.Series("b", x, new double[] {1, 1, 1, 1, 1})))), 2);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1120, img.getWidth());
        long coloured = 0;
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                int rgb = img.getRGB(xx, yy) & 0xffffff;
                int r = rgb >> 16;
                int b = rgb & 0xff;
                if (b > 150 && r < 100) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 100, "the blue curve is drawn: " + coloured + " pixels");
    }

    @Test
    void tableAlignsColumns() {
        String t = new Table("name", "value").row("a", "1.5").row("longer name", "12.25").toString();
        List<String> lines = t.lines().toList();
        assertEquals(6, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.length() == lines.get(0).length()), t);
        assertTrue(lines.get(3).endsWith("   1.5 |"), t);
    }
}
