package org.elasticscrl.core.data;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A four-channel (CMYK or YCCK) JPEG to 8-bit RGB exactly as PIL 9.4 decodes it and converts it to RGB. The JDK's
 * reader gives the samples as stored ({@link ImageReader#readRaster}: its libjpeg decodes and upsamples as PIL's does,
 * no colour conversion); then, in libjpeg's and PIL's integer arithmetic: YCCK to CMYK (Adobe transform 2), PIL's
 * "assume Adobe conventions" inversion of every CMYK JPEG, and PIL's {@code cmyk2rgb} — no ICC profile, which is why
 * no colour-managing ImageIO plugin gets PIL's values.
 */
final class CmykJpeg {
    private static final String NATIVE = "javax_imageio_jpeg_image_1.0";
    /** libjpeg's fixed point (jdcolor.c): SCALEBITS 16. */
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);

    private CmykJpeg() {}

    /** Adobe's colour transform of a four-component JPEG (0: CMYK, 2: YCCK), or -1 when it has not four. */
    static int transform(ImageReader reader) throws IOException {
        IIOMetadata md = reader.getImageMetadata(0);
        if (md == null || !Arrays.asList(md.getMetadataFormatNames()).contains(NATIVE)) {
            return -1;
        }
        Node root = md.getAsTree(NATIVE);
        Node sof = find(root, "sof");
        if (sof == null || sof.getChildNodes().getLength() != 4) {
            return -1;
        }
        Node adobe = find(root, "app14Adobe");
        NamedNodeMap a = adobe == null ? null : adobe.getAttributes();
        return a == null || a.getNamedItem("transform") == null ? 0
                : Integer.parseInt(a.getNamedItem("transform").getNodeValue());
    }

    private static Node find(Node n, String name) {
        if (name.equals(n.getNodeName())) {
            return n;
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            Node found = find(c, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static Image decode(ImageReader reader, int transform) throws IOException {
        Raster raw = reader.readRaster(0, null);
        int w = raw.getWidth();
        int h = raw.getHeight();
        byte[] rgb = new byte[3 * w * h];
        int[] px = new int[4];
        int[] cmyk = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raw.getPixel(raw.getMinX() + x, raw.getMinY() + y, px);
                if (transform == 2) {
                    ycckToCmyk(px, cmyk);
                } else {
                    System.arraycopy(px, 0, cmyk, 0, 4);
                }
                int nk = cmyk[3]; // PIL inverts every CMYK JPEG (rawmode CMYK;I): 255 - (255 - K)
                int o = 3 * (y * w + x);
                for (int c = 0; c < 3; c++) {
                    // cmyk2rgb on the inverted values: nk - MULDIV255(255 - C, nk)
                    rgb[o + c] = (byte) clip(nk - mulDiv255(255 - cmyk[c], nk));
                }
            }
        }
        return new Image(w, h, rgb);
    }

    /** libjpeg's ycck_cmyk_convert: Y, Cb, Cr to R, G, B, then C = 255 - R and so on; K passes through. */
    static void ycckToCmyk(int[] ycck, int[] cmyk) {
        int y = ycck[0];
        int cb = ycck[1] - 128;
        int cr = ycck[2] - 128;
        int r = y + ((fix(1.40200) * cr + ONE_HALF) >> SCALEBITS);
        int g = y + ((-fix(0.34414) * cb + ONE_HALF - fix(0.71414) * cr) >> SCALEBITS);
        int b = y + ((fix(1.77200) * cb + ONE_HALF) >> SCALEBITS);
        cmyk[0] = clip(255 - r);
        cmyk[1] = clip(255 - g);
        cmyk[2] = clip(255 - b);
        cmyk[3] = ycck[3];
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    /** PIL's MULDIV255: a * b / 255, rounded, in integers. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clip(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
