package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Test media made on the spot: images with known quadrant colours (so orientation is checkable),
 * EXIF with orientation and GPS written by Commons Imaging, a CMYK JPEG, a PNG whose header claims
 * 80 000 × 80 000 pixels, clips from ffmpeg's test sources.
 */
final class MediaFixtures {
  static final Color TOP_LEFT = Color.RED;
  static final Color TOP_RIGHT = Color.GREEN;
  static final Color BOTTOM_LEFT = Color.BLUE;
  static final Color BOTTOM_RIGHT = Color.YELLOW;

  private MediaFixtures() {}

  /** Four solid quadrants: red, green / blue, yellow. */
  static BufferedImage quadrants(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(TOP_LEFT);
    g.fillRect(0, 0, w / 2, h / 2);
    g.setColor(TOP_RIGHT);
    g.fillRect(w / 2, 0, w - w / 2, h / 2);
    g.setColor(BOTTOM_LEFT);
    g.fillRect(0, h / 2, w / 2, h - h / 2);
    g.setColor(BOTTOM_RIGHT);
    g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
    g.dispose();
    return img;
  }

  /** Top half fully transparent, bottom half opaque blue. */
  static BufferedImage halfTransparent(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.BLUE);
    g.fillRect(0, h / 2, w, h - h / 2);
    g.dispose();
    return img;
  }

  static byte[] jpeg(BufferedImage img) {
    return write(img, "image/jpeg", "com.sun.");
  }

  static byte[] png(BufferedImage img) {
    return write(img, "image/png", "");
  }

  static byte[] gif(BufferedImage img) {
    return write(img, "image/gif", "");
  }

  static byte[] webp(BufferedImage img) {
    return write(img, "image/webp", "com.luciad.");
  }

  /** The JPEG with an EXIF block: orientation, GPS position, camera make. */
  static byte[] withExif(byte[] jpeg, int orientation, double latitude, double longitude) {
    try {
      TiffOutputSet exif = new TiffOutputSet();
      TiffOutputDirectory root = exif.getOrCreateRootDirectory();
      root.add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
      root.add(TiffTagConstants.TIFF_TAG_MAKE, "AvaloTestCam");
      exif.setGpsInDegrees(longitude, latitude);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new ExifRewriter().updateExifMetadataLossless(jpeg, out, exif);
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException("could not write EXIF", e);
    }
  }

  /**
   * A CMYK JPEG as Photoshop writes them (Adobe APP14, inverted channels): left half cyan, right
   * half magenta. The JDK's own JPEG reader cannot turn this into RGB correctly.
   */
  static byte[] cmykJpeg(int w, int h) {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean left = x < w / 2;
        // C, M, Y, K — stored inverted (255 = no ink), the Adobe convention.
        raster.setPixel(x, y, new int[] {left ? 0 : 255, left ? 255 : 0, 255, 255});
      }
    }
    ImageWriter writer = writer("image/jpeg", "com.sun.");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] raw = bytes.toByteArray();
    byte[] app14 = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    byte[] out = new byte[raw.length + app14.length];
    System.arraycopy(raw, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(raw, 2, out, 2 + app14.length, raw.length - 2);
    return out;
  }

  /** The number of colour components in a JPEG's frame header (SOFn). */
  static int jpegComponents(byte[] jpeg) {
    int pos = 2;
    while (pos + 4 < jpeg.length) {
      int marker = jpeg[pos + 1] & 0xFF;
      int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      if (marker >= 0xC0 && marker <= 0xC3) {
        return jpeg[pos + 9] & 0xFF;
      }
      pos += 2 + length;
    }
    throw new AssertionError("no SOF marker");
  }

  /** The JPEG's APPn segments as (marker, identifier) strings, e.g. {@code E1:Exif}. */
  static List<String> jpegAppSegments(byte[] jpeg) {
    List<String> segments = new ArrayList<>();
    int pos = 2;
    while (pos + 4 < jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
      int marker = jpeg[pos + 1] & 0xFF;
      int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      if (marker == 0xDA) {
        break; // start of scan: no more headers
      }
      if (marker >= 0xE0 && marker <= 0xEF) {
        int end = pos + 4;
        while (end < pos + 2 + length && jpeg[end] != 0) {
          end++;
        }
        segments.add(
            Integer.toHexString(marker).toUpperCase(Locale.ROOT)
                + ":"
                + new String(jpeg, pos + 4, end - pos - 4, StandardCharsets.ISO_8859_1));
      }
      pos += 2 + length;
    }
    return segments;
  }

  /**
   * The RIFF chunk ids of a WebP file ({@code VP8 }, {@code VP8X}, {@code ALPH}, {@code EXIF}, …).
   */
  static List<String> webpChunks(byte[] webp) {
    List<String> chunks = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    while (pos + 8 <= webp.length) {
      chunks.add(new String(webp, pos, 4, StandardCharsets.US_ASCII));
      int length = b.getInt(pos + 4);
      pos += 8 + length + (length & 1);
    }
    return chunks;
  }

  /**
   * A structurally valid PNG whose header claims {@code w × h} pixels but carries almost no data: a
   * decoder that trusts it allocates w·h·4 bytes (a decompression bomb).
   */
  static byte[] pngHeaderOnly(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[1024]);
    deflater.finish();
    byte[] idat = new byte[64];
    int n = deflater.deflate(idat);
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  static byte[] truncated(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length * 6 / 10);
  }

  /**
   * Runs ffmpeg to make a test clip in {@code dir}; fails loudly when ffmpeg is missing (CI
   * installs it).
   */
  static Path ffmpeg(Path dir, String output, String... args) {
    List<String> command =
        new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"));
    command.addAll(List.of(args));
    command.add(output);
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("ffmpeg fixture generation timed out");
      }
      assertEquals(0, p.exitValue(), "ffmpeg failed: " + log);
      return dir.resolve(output);
    } catch (IOException e) {
      return fail("these tests need ffmpeg on PATH (apt-get install ffmpeg): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command and returns its stdout+stderr; fails the test on a non-zero exit. */
  static String run(Path dir, String... command) {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(120, TimeUnit.SECONDS);
      assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + out);
      return out;
    } catch (IOException e) {
      return fail(command[0] + " is needed by this test: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The absolute path of {@code binary} on PATH (fails the test when it is not installed). */
  static String which(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
      if (Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    throw new AssertionError(binary + " is not on PATH");
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One PNG chunk: length, type, data and CRC. */
  static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] write(BufferedImage img, String mime, String prefix) {
    ImageWriter writer = writer(mime, prefix);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(img);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static ImageWriter writer(String mime, String prefix) {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByMIMEType(mime); it.hasNext(); ) {
      ImageWriter w = it.next();
      if (w.getClass().getName().startsWith(prefix)) {
        return w;
      }
    }
    throw new IllegalStateException("no writer for " + mime);
  }
}
