package app.avalo.infra.cdn;

import app.avalo.infra.platform.Log;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AVIF through ffmpeg's AV1 encoders (libaom-av1 preferred: it takes any size; libsvtav1 needs even
 * dimensions of at least 64). Pixels go to ffmpeg as raw RGB, so nothing but pixels reaches the
 * output. When ffmpeg or both encoders are missing, or the image has transparency (ffmpeg's AVIF
 * muxer here writes no alpha plane), AVIF is skipped and the reason recorded — never faked.
 */
final class AvifEncoder {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final MediaTool tool;
  private final boolean enabled;

  AvifEncoder(MediaTool tool, boolean enabled) {
    this.tool = tool;
    this.enabled = enabled;
  }

  /** A work directory for the encodes of one image. */
  WorkDir workDir() {
    return tool.workDir("avif");
  }

  /** Why AVIF cannot be produced on this instance at all, or empty when it can. */
  Optional<String> unavailableReason() {
    if (!enabled) {
      return Optional.of("AVIF disabled (IMAGE_AVIF_ENABLED=false)");
    }
    Optional<String> noTool = tool.unavailableReason();
    if (noTool.isPresent()) {
      return Optional.of("AVIF skipped: " + noTool.get());
    }
    if (!tool.hasEncoder("libaom-av1") && !tool.hasEncoder("libsvtav1")) {
      return Optional.of("AVIF skipped: ffmpeg has no AV1 encoder (libaom-av1 or libsvtav1)");
    }
    return Optional.empty();
  }

  /** Why this particular image cannot be AVIF-encoded, or empty. */
  Optional<String> unsupported(BufferedImage image, boolean alpha) {
    if (alpha) {
      return Optional.of(
          "AVIF skipped: the image has transparency, which this AVIF path cannot carry");
    }
    if (!tool.hasEncoder("libaom-av1")
        && (image.getWidth() % 2 != 0
            || image.getHeight() % 2 != 0
            || image.getWidth() < 64
            || image.getHeight() < 64)) {
      return Optional.of(
          "AVIF skipped for "
              + image.getWidth()
              + "×"
              + image.getHeight()
              + ": libsvtav1 needs even dimensions of at least 64");
    }
    return Optional.empty();
  }

  byte[] encode(BufferedImage image, Path workDir) {
    int w = image.getWidth();
    int h = image.getHeight();
    Path raw = workDir.resolve("avif-" + w + "x" + h + ".rgb");
    Path out = workDir.resolve("avif-" + w + "x" + h + ".avif");
    try {
      Files.write(raw, rgb24(image));
      List<String> codec =
          tool.hasEncoder("libaom-av1")
              ? List.of("-c:v", "libaom-av1", "-crf", "32", "-cpu-used", "8", "-row-mt", "1")
              : List.of("-c:v", "libsvtav1", "-crf", "35", "-preset", "10");
      List<String> options =
          new ArrayList<>(
              List.of(
                  "-frames:v",
                  "1",
                  "-vf",
                  "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
                  "-colorspace",
                  "bt709",
                  "-color_primaries",
                  "bt709",
                  "-color_trc",
                  "iec61966-2-1"));
      options.addAll(codec);
      options.addAll(List.of("-still-picture", "1", "-f", "avif"));
      // Our own pixels, at most 3840 px on the long edge: a still takes well under these limits.
      tool.encodeRaw(
          raw,
          w,
          h,
          List.of(new MediaTool.Output(options, out.getFileName().toString(), true)),
          new MediaTool.Limits(TIMEOUT, 1024L * 1024 * 1024, 64L * 1024 * 1024, 0, 1),
          workDir);
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // Never throw from here: it would replace the encoder's own failure. The work dir is removed
      // anyway.
      deleteQuietly(raw);
      deleteQuietly(out);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      Log.warn(
          "AVIF temp file not deleted",
          Map.of("file", file.toString(), "error", String.valueOf(e)));
    }
  }

  private static byte[] rgb24(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    int[] row = new int[w];
    int i = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int rgb : row) {
        out[i++] = (byte) (rgb >> 16);
        out[i++] = (byte) (rgb >> 8);
        out[i++] = (byte) rgb;
      }
    }
    return out;
  }
}
