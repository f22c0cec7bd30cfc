package app.avalo.infra.cdn;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Turns one uploaded image into its delivery set: the upright, metadata-free full size (long edge
 * at most 3840 px), thumbnails with long edges 150/300/600 px (never upscaled), each as WebP (q85)
 * and JPEG (q85, progressive) — plus AVIF where the encoder exists — and a tiny blurred placeholder
 * as a data URI. Everything is computed in memory before anything is stored.
 */
final class ImagePipeline {
  static final int MAX_LONG_EDGE = 3840;
  static final List<Integer> THUMBNAIL_EDGES = List.of(150, 300, 600);
  static final float QUALITY = 0.85f;
  private static final int PLACEHOLDER_EDGE = 20;

  private final ImageDecoder decoder;
  private final AvifEncoder avif;

  ImagePipeline(long maxPixels, AvifEncoder avif) {
    this.decoder = new ImageDecoder(maxPixels, MAX_LONG_EDGE);
    this.avif = avif;
  }

  /** One encoded output, not yet stored. {@code name} is {@code s150}, …, or {@code full}. */
  @SuppressWarnings("ArrayRecordComponent") // a payload carrier: never compared, hashed or shared
  record Encoded(
      String name,
      String format,
      String contentType,
      String extension,
      int width,
      int height,
      byte[] bytes) {}

  /** The whole delivery set of one image. */
  record Result(
      ImageFormat sourceFormat,
      int sourceWidth,
      int sourceHeight,
      int width,
      int height,
      int orientation,
      boolean alpha,
      List<Encoded> variants,
      String placeholder,
      List<String> notes) {}

  /** Decodes and validates only (no encoding): refuses bad input before any side effect. */
  ImageDecoder.Decoded decode(byte[] bytes, String field) {
    return decoder.decode(bytes, field);
  }

  Result process(ImageDecoder.Decoded decoded) {
    BufferedImage full = fit(decoded.image(), MAX_LONG_EDGE);
    List<String> notes = new ArrayList<>();
    if (Math.max(decoded.sourceWidth(), decoded.sourceHeight()) > MAX_LONG_EDGE) {
      notes.add("downscaled from " + decoded.sourceWidth() + "×" + decoded.sourceHeight());
    }
    List<BufferedImage> sizes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int longEdge = Math.max(full.getWidth(), full.getHeight());
    for (int edge : THUMBNAIL_EDGES) {
      if (edge < longEdge) {
        sizes.add(fit(full, edge));
        names.add("s" + edge);
      }
    }
    sizes.add(full);
    names.add("full");

    Optional<String> avifOff = avif.unavailableReason();
    avifOff.ifPresent(notes::add);
    List<Encoded> variants = new ArrayList<>();
    try (WorkDir work = avif.workDir()) {
      for (int i = 0; i < sizes.size(); i++) {
        BufferedImage image = sizes.get(i);
        String name = names.get(i);
        int w = image.getWidth();
        int h = image.getHeight();
        variants.add(
            new Encoded(
                name, "webp", "image/webp", "webp", w, h, ImageEncoder.webp(image, QUALITY)));
        variants.add(
            new Encoded(
                name, "jpeg", "image/jpeg", "jpg", w, h, ImageEncoder.jpeg(image, QUALITY, true)));
        if (avifOff.isEmpty()) {
          Optional<String> unsupported = avif.unsupported(image, decoded.alpha());
          if (unsupported.isPresent()) {
            if (!notes.contains(unsupported.get())) {
              notes.add(unsupported.get());
            }
          } else {
            variants.add(
                new Encoded(
                    name, "avif", "image/avif", "avif", w, h, avif.encode(image, work.path())));
          }
        }
      }
    }
    return new Result(
        decoded.format(),
        decoded.sourceWidth(),
        decoded.sourceHeight(),
        full.getWidth(),
        full.getHeight(),
        decoded.orientation(),
        decoded.alpha(),
        variants,
        placeholder(full),
        notes);
  }

  /**
   * The image scaled so its long edge is at most {@code edge}; the same instance when it already
   * fits.
   */
  static BufferedImage fit(BufferedImage image, int edge) {
    if (Math.max(image.getWidth(), image.getHeight()) <= edge) {
      return image;
    }
    return fit(image, edge, image.getType());
  }

  /** The image resampled so its long edge is {@code edge}, as an image of {@code type}. */
  static BufferedImage fit(BufferedImage image, int edge, int type) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = edge / (double) Math.max(w, h);
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    try {
      return Thumbnails.of(image).forceSize(tw, th).imageType(type).asBufferedImage();
    } catch (IOException e) {
      throw new UncheckedIOException("resampling failed", e);
    }
  }

  /**
   * A ~20 px, blurred JPEG as a data URI (a few hundred bytes): shown scaled up while the real
   * variant loads. Blurring here, not only in CSS, hides the blockiness of so few pixels.
   */
  static String placeholder(BufferedImage full) {
    BufferedImage tiny = ImageEncoder.opaque(fit(full, PLACEHOLDER_EDGE));
    if (tiny == full) {
      tiny = copy(tiny);
    }
    blur(tiny);
    byte[] jpeg = ImageEncoder.jpeg(tiny, 0.6f, false);
    return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg);
  }

  private static BufferedImage copy(BufferedImage image) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    out.setRGB(
        0,
        0,
        image.getWidth(),
        image.getHeight(),
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()),
        0,
        image.getWidth());
    return out;
  }

  /** A separable [1 2 1] blur, edges clamped, in place. */
  private static void blur(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = image.getRGB(0, 0, w, h, null, 0, w);
    int[] tmp = new int[px.length];
    for (int pass = 0; pass < 2; pass++) {
      boolean horizontal = pass == 0;
      int[] src = horizontal ? px : tmp;
      int[] dst = horizontal ? tmp : px;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int a = horizontal ? src[y * w + Math.max(0, x - 1)] : src[Math.max(0, y - 1) * w + x];
          int b = src[y * w + x];
          int c =
              horizontal
                  ? src[y * w + Math.min(w - 1, x + 1)]
                  : src[Math.min(h - 1, y + 1) * w + x];
          int rgb = 0;
          for (int shift = 0; shift <= 16; shift += 8) {
            int v =
                (((a >> shift) & 0xFF) + 2 * ((b >> shift) & 0xFF) + ((c >> shift) & 0xFF) + 2) / 4;
            rgb |= v << shift;
          }
          dst[y * w + x] = 0xFF000000 | rgb;
        }
      }
    }
    image.setRGB(0, 0, w, h, px, 0, w);
  }
}
