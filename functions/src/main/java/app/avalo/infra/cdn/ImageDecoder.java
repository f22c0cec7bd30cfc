package app.avalo.infra.cdn;

import app.avalo.infra.platform.ApiException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted image bytes safely: the real format from the magic bytes, the dimensions from
 * the header and the pixel cap checked <em>before</em> any pixel is decoded (a 80 000 × 80 000
 * header would otherwise allocate 25 GB), images much larger than the output subsampled while
 * decoding, truncated or corrupt data refused, EXIF orientation applied. The result is an sRGB
 * {@code TYPE_INT_RGB} or {@code TYPE_INT_ARGB} image — no metadata survives decoding.
 */
final class ImageDecoder {
  /** The TwelveMonkeys readers handle CMYK/YCCK and progressive JPEGs and lossless/alpha WebP. */
  private static final String PREFERRED_READERS = "com.twelvemonkeys.";

  private final long maxPixels;
  private final int maxLongEdge;

  ImageDecoder(long maxPixels, int maxLongEdge) {
    this.maxPixels = maxPixels;
    this.maxLongEdge = maxLongEdge;
  }

  /** A decoded, upright image and what the input was. */
  record Decoded(
      BufferedImage image,
      ImageFormat format,
      int sourceWidth,
      int sourceHeight,
      int orientation,
      boolean alpha,
      int subsampling) {}

  Decoded decode(byte[] bytes, String field) {
    if (bytes.length == 0) {
      throw ApiException.invalidArgument(field, "the image is empty (0 bytes)");
    }
    ImageFormat format =
        ImageFormat.sniff(bytes)
            .orElseThrow(
                () ->
                    ApiException.invalidArgument(
                        field,
                        "is not a supported image: the content is not JPEG, PNG, WebP or GIF"));
    ImageReader reader = readerFor(format);
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    reader.addIIOReadWarningListener(listener);
    // A memory-cached stream: ImageIO's default caches to a temp file, and nothing of a user's
    // upload should land on disk.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, false);
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IIOException | IndexOutOfBoundsException e) {
        throw corrupt(field, format);
      }
      if (width <= 0 || height <= 0) {
        throw corrupt(field, format);
      }
      if ((long) width * height > maxPixels) {
        throw ApiException.invalidArgument(
            field,
            String.format(
                Locale.ROOT,
                "the image is %d × %d pixels (%.1f megapixels); the limit is %.1f megapixels",
                width,
                height,
                width * (double) height / 1e6,
                maxPixels / 1e6));
      }
      ImageReadParam param = reader.getDefaultReadParam();
      int factor = Math.max(1, Math.max(width, height) / maxLongEdge);
      if (factor >= 2) {
        // Decode a 100 MP image at ≥ the output size instead of at full size: a quarter or less
        // of the memory (a 10 000 × 10 000 PNG of one colour is a few KB and would otherwise take
        // 400 MB of heap), and the final resample still sees enough pixels for a sharp result.
        param.setSourceSubsampling(factor, factor, 0, 0);
      }
      BufferedImage raw;
      try {
        raw = reader.read(0, param);
      } catch (IOException | RuntimeException e) {
        throw corrupt(field, format);
      }
      for (String warning : warnings) {
        String w = warning.toLowerCase(Locale.ROOT);
        if (w.contains("premature") || w.contains("truncat") || w.contains("end of file")) {
          throw corrupt(field, format);
        }
      }
      int orientation = ExifOrientation.read(bytes, format);
      boolean alpha = raw.getColorModel().hasAlpha() && hasTransparentPixel(raw);
      // Scale first, then turn: the orientation copy then works on at most 3840 px, not 100 MP.
      BufferedImage normalized = fitToSrgb(raw, alpha);
      return new Decoded(
          ExifOrientation.apply(normalized, orientation),
          format,
          width,
          height,
          orientation,
          alpha,
          factor);
    } catch (IOException e) {
      throw corrupt(field, format);
    } finally {
      reader.removeIIOReadWarningListener(listener);
      reader.dispose();
    }
  }

  private static ApiException corrupt(String field, ImageFormat format) {
    return ApiException.invalidArgument(
        field, "the " + format.wire() + " data is truncated or corrupt");
  }

  private static ImageReader readerFor(ImageFormat format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.mimeType());
    ImageReader fallback = null;
    while (readers.hasNext()) {
      ImageReader candidate = readers.next();
      if (candidate.getClass().getName().startsWith(PREFERRED_READERS)) {
        if (fallback != null) {
          fallback.dispose();
        }
        return candidate;
      }
      if (fallback == null) {
        fallback = candidate;
      } else {
        candidate.dispose();
      }
    }
    if (fallback == null) {
      throw new IllegalStateException(
          "no ImageIO reader for " + format.mimeType() + " on the classpath");
    }
    if (format == ImageFormat.JPEG || format == ImageFormat.WEBP) {
      // The JDK's own JPEG reader fails on CMYK; without TwelveMonkeys the build is broken.
      throw new IllegalStateException(
          "the TwelveMonkeys " + format.wire() + " reader is not registered");
    }
    return fallback;
  }

  private static boolean hasTransparentPixel(BufferedImage image) {
    int w = image.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int argb : row) {
        if ((argb >>> 24) != 0xFF) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A plain sRGB int raster (from any palette, gray, 16-bit or CMYK-converted input) whose long
   * edge is at most {@code maxLongEdge}; large images are resampled straight from the decoded
   * raster, so no full-size copy is made.
   */
  private BufferedImage fitToSrgb(BufferedImage raw, boolean alpha) {
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    if (Math.max(raw.getWidth(), raw.getHeight()) > maxLongEdge) {
      return ImagePipeline.fit(raw, maxLongEdge, type);
    }
    if (raw.getType() == type) {
      return raw;
    }
    BufferedImage out = new BufferedImage(raw.getWidth(), raw.getHeight(), type);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(raw, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
