package app.avalo.infra.localstack.seed;

import app.avalo.infra.Root;
import app.avalo.infra.cdn.CdnCollections;
import app.avalo.infra.cdn.EgressRecorder;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Platform;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.storage.BlobId;
import com.google.gson.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * CDN demo data: two generated photos uploaded through the real {@code uploadImage} pipeline (so
 * the dashboard shows real variants and bytes), a day of recorded egress by type and region with a
 * cache hit ratio, then {@code monitorBandwidth} for the last hours and {@code updateCdnMetrics}.
 * Idempotent: images are re-uploaded only when their objects are gone (local storage is in memory
 * while the Firestore emulator may keep its data), egress only when none is recorded for the day.
 */
public final class CdnSeed implements DemoSeed {
  private static final int HOURS = 24;
  private static final int BANDWIDTH_RUNS = 6;
  private static final List<String> REGIONS = List.of("EU", "US", "ASIA");

  /** Typical hourly egress per type in MB, and its cache hit ratio in percent. */
  private static final Map<String, long[]> TRAFFIC =
      Map.of(
          "image", new long[] {900, 92},
          "video", new long[] {4200, 78},
          "voice", new long[] {150, 60},
          "avatar", new long[] {120, 97});

  @Override
  public String name() {
    return "cdn";
  }

  @Override
  public void seed(SeedContext context) {
    Root root = context.root();
    Platform app = root.platform();
    if (!demoImagesPresent(root)) {
      for (BufferedImage image : List.of(landscape(), portrait())) {
        JsonObject data = new JsonObject();
        data.addProperty("data", Base64.getEncoder().encodeToString(png(image)));
        context.callAsAdmin("uploadImage", data.toString());
      }
    }
    Instant now = app.clock().instant();
    Instant hourEnd = now.truncatedTo(ChronoUnit.HOURS);
    if (!egressRecordedSince(app.firestore(), hourEnd.minus(Duration.ofHours(HOURS)))) {
      recordEgress(root.cdn().egressRecorder(), hourEnd);
    }
    for (int h = BANDWIDTH_RUNS - 1; h >= 0; h--) {
      context.callPrivate(
          "monitorBandwidth", "{\"scheduledFor\":\"" + hourEnd.minus(Duration.ofHours(h)) + "\"}");
    }
    context.callPrivate("updateCdnMetrics", "{}");
  }

  private static boolean demoImagesPresent(Root root) {
    Platform app = root.platform();
    List<? extends DocumentSnapshot> images =
        Firestores.await(
                app.firestore()
                    .collection(CdnCollections.ASSETS)
                    .whereEqualTo("type", "image")
                    .whereEqualTo("status", "ready")
                    .limit(2)
                    .get())
            .getDocuments();
    if (images.size() < 2) {
      return false;
    }
    String bucket = root.cdn().config().mediaBucket();
    for (DocumentSnapshot doc : images) {
      Object variants = doc.get("variants");
      if (!(variants instanceof List<?> list)
          || list.isEmpty()
          || app.storage().get(BlobId.of(bucket, (String) ((Map<?, ?>) list.get(0)).get("path")))
              == null) {
        return false;
      }
    }
    return true;
  }

  private static boolean egressRecordedSince(Firestore db, Instant since) {
    return !Firestores.await(
            db.collection(CdnCollections.EGRESS)
                .whereGreaterThanOrEqualTo("bucketStart", Firestores.timestamp(since))
                .limit(1)
                .get())
        .isEmpty();
  }

  /** A day of hourly egress with a daily curve, from each region, per asset type. */
  private static void recordEgress(EgressRecorder recorder, Instant hourEnd) {
    for (int h = HOURS; h >= 1; h--) {
      Instant hour = hourEnd.minus(Duration.ofHours(h));
      double curve =
          0.6 + 0.4 * Math.sin(2 * Math.PI * hour.atZone(ZoneOffset.UTC).getHour() / 24.0);
      for (int r = 0; r < REGIONS.size(); r++) {
        double regionShare = new double[] {0.55, 0.3, 0.15}[r];
        for (Map.Entry<String, long[]> t : TRAFFIC.entrySet()) {
          long bytes = Math.round(t.getValue()[0] * 1_000_000L * curve * regionShare);
          long requests = Math.max(1, bytes / (t.getKey().equals("video") ? 1_500_000 : 120_000));
          long hits = requests * t.getValue()[1] / 100;
          recorder.record(
              hour.plus(Duration.ofMinutes(17)), t.getKey(), REGIONS.get(r), bytes, requests, hits);
        }
      }
    }
  }

  private static BufferedImage landscape() {
    BufferedImage img = new BufferedImage(1600, 1000, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(255, 140, 60), 0, 700, new Color(90, 40, 120)));
    g.fillRect(0, 0, 1600, 1000);
    g.setColor(new Color(255, 220, 120));
    g.fillOval(1050, 380, 260, 260);
    g.setColor(new Color(30, 20, 50));
    g.fillPolygon(
        new int[] {0, 400, 800, 1200, 1600, 1600, 0},
        new int[] {820, 560, 760, 520, 800, 1000, 1000},
        7);
    label(g, "Avalo demo · sunset", 60, 120);
    g.dispose();
    return img;
  }

  private static BufferedImage portrait() {
    BufferedImage img = new BufferedImage(900, 1200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(0, 0, new Color(40, 120, 200), 900, 1200, new Color(20, 200, 160)));
    g.fillRect(0, 0, 900, 1200);
    g.setStroke(new BasicStroke(14));
    g.setColor(new Color(255, 255, 255, 180));
    for (int i = 0; i < 6; i++) {
      g.drawOval(150 + i * 20, 300 + i * 40, 600 - i * 40, 600 - i * 40);
    }
    label(g, "Avalo demo · portrait", 60, 120);
    g.dispose();
    return img;
  }

  private static void label(Graphics2D g, String text, int x, int y) {
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 56));
    g.drawString(text, x, y);
  }

  private static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
