package app.avalo.infra.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * A 4K JPEG through uploadImage (decode, orient, strip, WebP q85 + JPEG at 150/300/600/full,
 * placeholder, stored with metadata) against ImageMagick's convert making the same set.
 */
final class MediaScenario {
  private static final int[] SIZES = {150, 300, 600};

  private MediaScenario() {}

  static void run(Bench bench) throws Exception {
    byte[] jpeg = photo(3840, 2160);
    String body = "{\"data\":{\"data\":\"" + Base64.getEncoder().encodeToString(jpeg) + "\"}}";
    int trials = bench.quick() ? 1 : 5;
    bench.ok("uploadImage", body, bench.userToken()); // warm-up (class loading, JIT)
    List<Double> ours = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      long t0 = System.nanoTime();
      bench.ok("uploadImage", body, bench.userToken());
      ours.add((System.nanoTime() - t0) / 1e6);
    }
    List<Double> magick = new ArrayList<>();
    Path dir = Files.createTempDirectory("bench-magick");
    Path input = dir.resolve("in.jpg");
    Files.write(input, jpeg);
    for (int i = 0; i < trials; i++) {
      long t0 = System.nanoTime();
      convertSet(input, dir);
      magick.add((System.nanoTime() - t0) / 1e6);
    }
    double oursMedian = LoadRunner.percentile(ours, 50);
    double magickMedian = LoadRunner.percentile(magick, 50);
    bench
        .report()
        .row(
            "media: 4K JPEG → variants",
            "median of " + trials + " (uploadImage / convert)",
            Report.ms(oursMedian),
            Report.ms(magickMedian),
            Report.times(magickMedian / oursMedian) + " faster",
            "",
            "");
    bench
        .report()
        .note(
            "media: uploadImage also stores every object with Cache-Control/owner metadata and"
                + " writes the cdnAssets record; AVIF is off for this comparison"
                + " (IMAGE_AVIF_ENABLED=false) because the baseline set has none. Input "
                + jpeg.length / 1024
                + " KiB, 3840×2160.");
    bench.report().raw("media", Map.of("uploadImageMs", ours, "convertMs", magick));
  }

  /**
   * ImageMagick: the same outputs (stripped, oriented; WebP q85 + JPEG at each size and full) plus
   * a tiny blur.
   */
  private static void convertSet(Path input, Path dir) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "convert",
                input.toString(),
                "-auto-orient",
                "-strip",
                "-write",
                "mpr:src",
                "+delete"));
    for (int size : SIZES) {
      command.addAll(
          List.of(
              "mpr:src",
              "-resize",
              size + "x" + size + ">",
              "-quality",
              "85",
              "-write",
              dir.resolve("v" + size + ".webp").toString(),
              "-write",
              dir.resolve("v" + size + ".jpg").toString(),
              "+delete"));
    }
    command.addAll(
        List.of(
            "mpr:src",
            "-quality",
            "85",
            "-write",
            dir.resolve("full.webp").toString(),
            "-write",
            dir.resolve("full.jpg").toString(),
            "+delete"));
    command.addAll(
        List.of("mpr:src", "-resize", "16x16", "-blur", "0x1", dir.resolve("lqip.jpg").toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "ImageMagick convert failed (apt-get install imagemagick): " + output);
    }
  }

  /** A photo-like test image: gradients plus noise, so JPEG/WebP have real work to do. */
  static byte[] photo(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(
        new GradientPaint(0, 0, new Color(30, 90, 160), width, height, new Color(230, 180, 60)));
    g.fillRect(0, 0, width, height);
    Random random = new Random(42);
    for (int i = 0; i < 4000; i++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 90));
      g.fillOval(
          random.nextInt(width),
          random.nextInt(height),
          10 + random.nextInt(120),
          10 + random.nextInt(120));
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
