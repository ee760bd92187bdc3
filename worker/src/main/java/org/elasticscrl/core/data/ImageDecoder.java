package org.elasticscrl.core.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image file with {@code javax.imageio} into an 8-bit RGB {@link Image}, like PIL's
 * {@code convert("RGB")}: gray is copied to the three channels, palettes are looked up, alpha is
 * dropped. The decoder is picked from the content, not the extension. Anything that is not a
 * complete, decodable image — no decoder, an exception, or a decoder warning (how ImageIO reports
 * a truncated JPEG while returning a half-grey picture) — becomes an
 * {@link UnreadableSampleException}, never a garbage image.
 */
public final class ImageDecoder {
    /** Larger images (64 Mpixel) are refused rather than risk running out of memory. */
    public static final long MAX_PIXELS = 1L << 26;

    private ImageDecoder() {}

    /** Decodes {@code file}; throws {@link UnreadableSampleException} naming it on any failure. */
    public static Image decode(Path file) {
        String source = file.toString();
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableSampleException(source, "not an image ImageIO can decode"
                        + " (expected JPEG or PNG content)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, message) -> warnings.add(message));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new UnreadableSampleException(source, reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " pixels is more than the " + MAX_PIXELS
                            + " accepted", null);
                }
                int cmyk = "jpeg".equalsIgnoreCase(reader.getFormatName()) ? CmykJpeg.transform(reader) : -1;
                Image decoded = cmyk >= 0 ? CmykJpeg.decode(reader, cmyk) : toRgb(reader.read(0));
                if (!warnings.isEmpty()) {
                    throw new UnreadableSampleException(source, "corrupt or truncated ("
                            + reader.getFormatName() + " decoder: " + warnings.get(0) + ")", null);
                }
                return decoded;
            } finally {
                reader.dispose();
            }
        } catch (UnreadableSampleException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // decoders throw IIOException, but also IndexOutOfBounds and the like on bad data
            throw new UnreadableSampleException(source, "cannot decode: " + describe(e), e);
        }
    }

    /**
     * The exception and its root cause, e.g. {@code IIOException: Error reading PNG image data
     * (EOFException: Unexpected end of ZLIB input stream)}.
     */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? text
                : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    /**
     * 8-bit RGB of any colour model as PIL converts it: gray rasters are copied, not colour-managed; 16-bit samples
     * keep their high byte (PIL's ;16B raw modes), but 16-bit gray without alpha is clipped at 255 (PIL reads it as
     * mode I, and I to RGB clips).
     */
    static Image toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[3 * w * h];
        int[] row = new int[w];
        ColorModel cm = image.getColorModel();
        boolean wide = cm instanceof ComponentColorModel && cm.getComponentSize(0) == 16;
        if (cm instanceof ComponentColorModel
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Java's gray colour space is linear, so getRGB would brighten mid-greys; PIL (and
            // the file) mean the stored values
            Raster raster = image.getRaster();
            int max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = max == 255 ? row[x] : !wide ? (row[x] * 255 + max / 2) / max
                            : cm.hasAlpha() ? row[x] >> 8 : Math.min(255, row[x]);
                    int o = 3 * (y * w + x);
                    rgb[o] = (byte) v;
                    rgb[o + 1] = (byte) v;
                    rgb[o + 2] = (byte) v;
                }
            }
        } else if (wide) { // 16-bit RGB(A): the high byte, where getRGB would round
            Raster raster = image.getRaster();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) {
                        rgb[3 * (y * w + x) + c] = (byte) (row[x] >> 8);
                    }
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = 3 * (y * w + x);
                    rgb[o] = (byte) (row[x] >> 16);
                    rgb[o + 1] = (byte) (row[x] >> 8);
                    rgb[o + 2] = (byte) row[x];
                }
            }
        }
        return new Image(w, h, rgb);
    }
}
