package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.ApiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffImageWriterLossy;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.junit.jupiter.api.Test;

/** The decoder on its own: limits, subsampled decoding, orientation from JPEG and PNG EXIF. */
class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(100_000_000L, 3840);

  @Test
  void everyExifOrientationComesOutUpright() {
    // Pixels as stored for each orientation, so that the displayed image is the 4×2 quadrants
    // picture.
    BufferedImage upright = MediaFixtures.quadrants(40, 20);
    for (int orientation = 1; orientation <= 8; orientation++) {
      BufferedImage stored = stored(upright, orientation);
      BufferedImage shown = ExifOrientation.apply(stored, orientation);
      assertEquals(40, shown.getWidth(), "orientation " + orientation);
      assertEquals(20, shown.getHeight(), "orientation " + orientation);
      for (int[] p : new int[][] {{5, 5}, {35, 5}, {5, 15}, {35, 15}}) {
        assertEquals(
            upright.getRGB(p[0], p[1]), shown.getRGB(p[0], p[1]), "orientation " + orientation);
      }
    }
  }

  @Test
  void orientationIsReadFromPngExifChunks() throws Exception {
    byte[] png = MediaFixtures.png(MediaFixtures.quadrants(300, 200));
    byte[] withExif = insertPngChunk(png, "eXIf", tiffWithOrientation(8));

    ImageDecoder.Decoded decoded = decoder.decode(withExif, "data");

    assertEquals(8, decoded.orientation());
    assertEquals(200, decoded.image().getWidth());
    assertEquals(300, decoded.image().getHeight());
  }

  @Test
  void hugeJpegIsDecodedSubsampledWithinTheOutputSize() {
    byte[] jpeg = MediaFixtures.jpeg(MediaFixtures.quadrants(8000, 4000));

    ImageDecoder.Decoded decoded = decoder.decode(jpeg, "data");

    assertEquals(8000, decoded.sourceWidth());
    assertEquals(4000, decoded.sourceHeight());
    assertEquals(2, decoded.subsampling(), "decoded at half size (4000 px still ≥ 3840)");
    assertEquals(3840, decoded.image().getWidth());
    assertEquals(1920, decoded.image().getHeight());
    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.image().getType());
  }

  @Test
  void pixelCapIsCheckedFromTheHeaderAlone() {
    ImageDecoder small = new ImageDecoder(1_000_000L, 3840);
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> small.decode(MediaFixtures.pngHeaderOnly(2000, 1000), "data"));
    assertTrue(
        e.getMessage().contains("2000 × 1000") && e.getMessage().contains("1.0 megapixels"),
        e.getMessage());
    // The same header under the cap gets as far as the (missing) pixel data.
    ApiException corrupt =
        assertThrows(
            ApiException.class,
            () -> decoder.decode(MediaFixtures.pngHeaderOnly(2000, 1000), "data"));
    assertTrue(corrupt.getMessage().contains("truncated or corrupt"), corrupt.getMessage());
  }

  /**
   * What a camera stores for each orientation, written from the EXIF definitions ("the 0th row is
   * the visual right-hand side, the 0th column the visual top" for 6, …) independently of apply().
   */
  private static BufferedImage stored(BufferedImage upright, int orientation) {
    int w = upright.getWidth();
    int h = upright.getHeight();
    boolean swap = orientation >= 5;
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        int[] src =
            switch (orientation) {
              case 1 -> new int[] {x, y};
              case 2 -> new int[] {w - 1 - x, y};
              case 3 -> new int[] {w - 1 - x, h - 1 - y};
              case 4 -> new int[] {x, h - 1 - y};
              case 5 -> new int[] {y, x};
              case 6 -> new int[] {w - 1 - y, x};
              case 7 -> new int[] {w - 1 - y, h - 1 - x};
              case 8 -> new int[] {y, h - 1 - x};
              default -> throw new AssertionError(orientation);
            };
        out.setRGB(x, y, upright.getRGB(src[0], src[1]));
      }
    }
    return out;
  }

  private static byte[] tiffWithOrientation(int orientation) throws Exception {
    TiffOutputSet set = new TiffOutputSet();
    set.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_ORIENTATION, (short) orientation);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TiffImageWriterLossy().write(out, set);
    return out.toByteArray();
  }

  private static byte[] insertPngChunk(byte[] png, String type, byte[] data) {
    int ihdrEnd = 8 + 12 + 13; // signature, then IHDR (length, type, 13 bytes, CRC)
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, ihdrEnd);
    MediaFixtures.chunk(out, type, data);
    out.write(png, ihdrEnd, png.length - ihdrEnd);
    return out.toByteArray();
  }
}
