package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The EXIF orientation tag (1-8) of JPEG, PNG and WebP files, and the pixel transform that puts the
 * image upright. Output files carry no EXIF at all, so the orientation must be baked into the
 * pixels or phones' portrait photos would come out sideways.
 */
final class ExifOrientation {
  static final int UPRIGHT = 1;
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int APP1 = 0xFFE1;

  private ExifOrientation() {}

  /** The orientation recorded in the file; {@link #UPRIGHT} when absent or unreadable. */
  static int read(byte[] file, ImageFormat format) {
    try {
      byte[] tiff =
          switch (format) {
            case JPEG -> jpegExif(file);
            case PNG -> pngChunk(file, "eXIf");
            case WEBP -> webpChunk(file, "EXIF");
            case GIF -> null;
          };
      if (tiff == null) {
        return UPRIGHT;
      }
      int start = tiffStart(tiff);
      if (start < 0) {
        return UPRIGHT;
      }
      try (ImageInputStream in =
          new MemoryCacheImageInputStream(
              new ByteArrayInputStream(tiff, start, tiff.length - start))) {
        Directory exif = new TIFFReader().read(in);
        Directory ifd0 =
            exif instanceof CompoundDirectory compound && compound.directoryCount() > 0
                ? compound.getDirectory(0)
                : exif;
        Entry entry = ifd0.getEntryById(TAG_ORIENTATION);
        if (entry != null
            && entry.getValue() instanceof Number n
            && n.intValue() >= 1
            && n.intValue() <= 8) {
          return n.intValue();
        }
      }
    } catch (IOException | RuntimeException e) {
      // A damaged EXIF block must not cost the user their photo: the pixels are fine, only the
      // rotation hint is lost. Logged so a pattern of such files is visible.
      Log.warn(
          "unreadable EXIF block; treating the image as upright",
          Map.of("format", format.wire(), "error", String.valueOf(e.getMessage())));
    }
    return UPRIGHT;
  }

  /** The image turned upright for the given orientation (a new image unless already upright). */
  static BufferedImage apply(BufferedImage src, int orientation) {
    if (orientation == UPRIGHT) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    boolean swap = orientation >= 5;
    BufferedImage dst = new BufferedImage(swap ? h : w, swap ? w : h, src.getType());
    int[] in = src.getRGB(0, 0, w, h, null, 0, w);
    int dw = dst.getWidth();
    int[] out = new int[in.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> {
            dx = w - 1 - x;
            dy = y;
          }
          case 3 -> {
            dx = w - 1 - x;
            dy = h - 1 - y;
          }
          case 4 -> {
            dx = x;
            dy = h - 1 - y;
          }
          case 5 -> {
            dx = y;
            dy = x;
          }
          case 6 -> {
            dx = h - 1 - y;
            dy = x;
          }
          case 7 -> {
            dx = h - 1 - y;
            dy = w - 1 - x;
          }
          case 8 -> {
            dx = y;
            dy = w - 1 - x;
          }
          default -> {
            dx = x;
            dy = y;
          }
        }
        out[dy * dw + dx] = in[y * w + x];
      }
    }
    dst.setRGB(0, 0, dw, dst.getHeight(), out, 0, dw);
    return dst;
  }

  private static byte[] jpegExif(byte[] file) throws IOException {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
      List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, APP1, "Exif");
      return segments.isEmpty() ? null : segments.get(0).data().readAllBytes();
    }
  }

  private static byte[] pngChunk(byte[] file, String type) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
    int pos = 8;
    while (pos + 8 <= file.length) {
      long length = b.getInt(pos) & 0xFFFFFFFFL;
      String name = new String(file, pos + 4, 4, StandardCharsets.US_ASCII);
      if (pos + 8 + length > file.length) {
        return null;
      }
      if (name.equals(type)) {
        return Arrays.copyOfRange(file, pos + 8, pos + 8 + (int) length);
      }
      if (name.equals("IDAT") || name.equals("IEND")) {
        return null; // eXIf must come before the image data
      }
      pos += 12 + (int) length;
    }
    return null;
  }

  private static byte[] webpChunk(byte[] file, String type) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (pos + 8 <= file.length) {
      long length = b.getInt(pos + 4) & 0xFFFFFFFFL;
      String name = new String(file, pos, 4, StandardCharsets.US_ASCII);
      if (pos + 8 + length > file.length) {
        return null;
      }
      if (name.equals(type)) {
        return Arrays.copyOfRange(file, pos + 8, pos + 8 + (int) length);
      }
      pos += 8 + (int) length + (int) (length & 1);
    }
    return null;
  }

  /** Where the TIFF header starts: EXIF blocks may be prefixed with {@code Exif\0\0}. */
  private static int tiffStart(byte[] data) {
    for (int i = 0; i + 4 <= data.length && i <= 8; i++) {
      if ((data[i] == 'I' && data[i + 1] == 'I' && data[i + 2] == 42 && data[i + 3] == 0)
          || (data[i] == 'M' && data[i + 1] == 'M' && data[i + 2] == 0 && data[i + 3] == 42)) {
        return i;
      }
    }
    return -1;
  }
}
