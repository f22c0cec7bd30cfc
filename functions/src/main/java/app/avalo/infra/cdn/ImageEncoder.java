package app.avalo.infra.cdn;

import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes upright sRGB images to the delivery formats. Writers get pixels only, never metadata, so
 * no EXIF, GPS, XMP or ICC block from the upload can reach an output file.
 */
final class ImageEncoder {
  private static final String WEBP_WRITER = "com.luciad.imageio.webp.";

  private ImageEncoder() {}

  /** Lossy WebP (libwebp) at {@code quality} 0-1; keeps alpha. */
  static byte[] webp(BufferedImage image, float quality) {
    ImageWriter writer = writer("image/webp", WEBP_WRITER);
    try {
      WebPWriteParam param = new WebPWriteParam(Locale.ROOT);
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType(param.getCompressionTypes()[WebPWriteParam.LOSSY_COMPRESSION]);
      param.setCompressionQuality(quality);
      param.setMethod(4);
      return write(writer, image, param);
    } finally {
      writer.dispose();
    }
  }

  /** Baseline-compatible progressive JPEG at {@code quality} 0-1; alpha is flattened onto white. */
  static byte[] jpeg(BufferedImage image, float quality, boolean progressive) {
    ImageWriter writer = writer("image/jpeg", "");
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      param.setProgressiveMode(
          progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
      return write(writer, opaque(image), param);
    } finally {
      writer.dispose();
    }
  }

  /** The image on a white background, as {@code TYPE_INT_RGB}. */
  static BufferedImage opaque(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // In memory: ImageIO would otherwise cache through a temp file.
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("image encoding failed", e);
    }
    return bytes.toByteArray();
  }

  private static ImageWriter writer(String mimeType, String preferredPrefix) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType(mimeType);
    ImageWriter chosen = null;
    while (writers.hasNext()) {
      ImageWriter candidate = writers.next();
      if (chosen == null && candidate.getClass().getName().startsWith(preferredPrefix)) {
        chosen = candidate;
      } else {
        candidate.dispose();
      }
    }
    if (chosen == null) {
      throw new IllegalStateException(
          "no ImageIO writer for " + mimeType + " (" + preferredPrefix + ") on the classpath");
    }
    return chosen;
  }
}
