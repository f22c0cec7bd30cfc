package app.avalo.infra.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsAndBandwidthTest {
  private final RecordingPurger purger = new RecordingPurger();
  private final QueuedTasks tasks = new QueuedTasks();

  @RegisterExtension
  final TestBed bed =
      CdnFixtures.bed(purger, tasks)
          .env(Map.of("CDN_BANDWIDTH_SPIKE_FLOOR_BYTES", "1000000"))
          .build();

  private final AuthEmulator.User user = AuthEmulator.newUser();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  private FakeExchange.Response job(ScheduledJobFactory job, Instant scheduledFor)
      throws Exception {
    return FakeExchange.post()
        .header("X-CloudScheduler-ScheduleTime", scheduledFor.toString())
        .body("{}")
        .send(job.create());
  }

  private interface ScheduledJobFactory {
    app.avalo.infra.platform.ScheduledJob create();
  }

  private String uploadImage(int w, int h) throws Exception {
    var response =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(
                CdnFixtures.json(
                    "data",
                    Base64.getEncoder()
                        .encodeToString(MediaFixtures.jpeg(MediaFixtures.quadrants(w, h)))))
            .send(new UploadImage(bed.platform, bed.root.cdn()));
    assertEquals(200, response.status(), response.body());
    return response.result().getAsJsonObject().get("assetId").getAsString();
  }

  @Test
  void updateCdnMetricsAggregatesTheRegistryAndTheWindowsEgress() throws Exception {
    String a = uploadImage(640, 480);
    String b = uploadImage(300, 200);
    long bytes =
        bed.db.collection("cdnAssets").document(a).get().get().getLong("totalBytes")
            + bed.db.collection("cdnAssets").document(b).get().get().getLong("totalBytes");
    long variants =
        bed.db.collection("cdnAssets").document(a).get().get().getLong("variantCount")
            + bed.db.collection("cdnAssets").document(b).get().get().getLong("variantCount");
    // A job whose instance died two hours ago, and a recent one still running.
    AssetStore store = new AssetStore(bed.db, bed.clock);
    store.startProcessing("vid_stuck", AssetType.VIDEO, user.uid(), AssetDetails.NONE, null);
    bed.clock.advance(Duration.ofHours(2));
    store.startProcessing("vid_running", AssetType.VIDEO, user.uid(), AssetDetails.NONE, null);
    Instant scheduled = Instant.parse("2026-11-27T12:05:00Z");
    bed.clock.set(scheduled.plusSeconds(3));
    EgressRecorder egress = bed.root.cdn().egressRecorder();
    egress.record(Instant.parse("2026-11-27T12:01:00Z"), "image", "EU", 4_000, 10, 9);
    egress.record(Instant.parse("2026-11-27T12:03:59Z"), "video", "US", 6_000, 10, 6);
    egress.record(
        Instant.parse("2026-11-27T11:59:59Z"), "video", "US", 99_999, 99, 0); // previous window

    var run = job(() -> new UpdateCdnMetrics(bed.platform, bed.root.cdn()), scheduled);

    assertEquals(200, run.status(), run.body());
    DocumentSnapshot latest = bed.db.collection("cdnMetrics").document("latest").get().get();
    assertEquals(2L, latest.getLong("assets"));
    assertEquals(bytes, latest.getLong("bytes"));
    assertEquals(variants, latest.getLong("variants"));
    assertEquals(1L, latest.getLong("failed"));
    assertEquals(1L, latest.getLong("processing"));
    assertEquals(1L, latest.getLong("staleMarkedFailed"));
    assertEquals(
        "failed",
        bed.db.collection("cdnAssets").document("vid_stuck").get().get().getString("status"));
    assertEquals(
        "processing",
        bed.db.collection("cdnAssets").document("vid_running").get().get().getString("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> traffic = (Map<String, Object>) latest.get("egress");
    assertEquals(10_000L, traffic.get("bytes"));
    assertEquals(20L, traffic.get("requests"));
    assertEquals(0.75, (Double) traffic.get("hitRatio"), 1e-9);
    assertTrue(bed.db.collection("cdnMetrics").document("202611271205").get().get().exists());

    var stats =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data("{}")
            .send(new GetCdnStats(bed.platform, bed.root.cdn()));
    assertEquals(200, stats.status(), stats.body());
    JsonObject s = stats.result().getAsJsonObject();
    assertEquals(2, s.getAsJsonObject("byType").getAsJsonObject("image").get("assets").getAsLong());
    assertEquals(1, s.getAsJsonObject("byType").getAsJsonObject("video").get("failed").getAsLong());
    assertEquals(0.75, s.getAsJsonObject("egress").get("hitRatio").getAsDouble(), 1e-9);
    assertEquals(
        "vid_stuck",
        s.getAsJsonArray("recentFailures").get(0).getAsJsonObject().get("assetId").getAsString());
    assertTrue(
        s.getAsJsonArray("recentFailures")
            .get(0)
            .getAsJsonObject()
            .get("reason")
            .getAsString()
            .contains("did not finish"));

    JsonObject section =
        Json.toTree(bed.root.cdn().dashboardSection().snapshot()).getAsJsonObject();
    assertEquals(2L, section.get("assets").getAsLong());
    assertEquals("2026-11-27T12:05:00Z", section.get("at").getAsString());
  }

  @Test
  void getCdnStatsBeforeAnyMetricsSaysSo() throws Exception {
    var stats =
        FakeExchange.post()
            .bearer(admin.idToken())
            .data("{}")
            .send(new GetCdnStats(bed.platform, bed.root.cdn()));
    assertEquals(200, stats.status(), stats.body());
    assertTrue(
        stats.result().getAsJsonObject().get("status").getAsString().startsWith("no metrics yet"));
    assertEquals(0, stats.result().getAsJsonObject().getAsJsonArray("recentFailures").size());
    assertEquals(
        "no metrics yet",
        Json.toTree(bed.root.cdn().dashboardSection().snapshot())
            .getAsJsonObject()
            .get("status")
            .getAsString());
  }

  @Test
  void monitorBandwidthRecordsCostsAndAlertsOnSpikes() throws Exception {
    EgressRecorder egress = bed.root.cdn().egressRecorder();
    Instant base = Instant.parse("2026-11-27T00:00:00Z");
    // Four normal hours: 2 MB of images from EU and 1 MB of video from US each.
    for (int h = 0; h < 4; h++) {
      Instant hour = base.plus(Duration.ofHours(h));
      egress.record(hour.plusSeconds(600), "image", "EU", 2_000_000, 200, 180);
      egress.record(hour.plusSeconds(1200), "video", "US", 1_000_000, 20, 10);
      bed.clock.set(hour.plus(Duration.ofHours(1)).plusSeconds(5));
      var run =
          job(
              () -> new MonitorBandwidth(bed.platform, bed.root.cdn()),
              hour.plus(Duration.ofHours(1)));
      assertEquals(200, run.status(), run.body());
    }
    assertTrue(
        bed.db.collection("systemAlerts").get().get().isEmpty(),
        "no spike while traffic is normal");
    DocumentSnapshot firstHour =
        bed.db.collection("cdnBandwidth").document("2026112700").get().get();
    assertEquals(3_000_000L, firstHour.getLong("totalBytes"));
    assertEquals(Map.of("EU", 2_000_000L, "US", 1_000_000L), firstHour.get("byRegion"));
    DocumentSnapshot cost =
        bed.db.collection("cdnBandwidthCosts").document("cdn-2026112700-EU-image").get().get();
    assertEquals(2_000_000L, cost.getLong("bytes"));
    assertEquals("cdn", cost.getString("service"));
    assertEquals(base, Firestores.instant(cost.getTimestamp("periodStart")));

    // Hour 4: video egress ten times its usual volume.
    Instant spikeHour = base.plus(Duration.ofHours(4));
    egress.record(spikeHour.plusSeconds(60), "image", "EU", 2_000_000, 200, 180);
    egress.record(spikeHour.plusSeconds(60), "video", "US", 10_000_000, 200, 10);
    bed.clock.set(spikeHour.plus(Duration.ofHours(1)).plusSeconds(5));
    var spike =
        job(
            () -> new MonitorBandwidth(bed.platform, bed.root.cdn()),
            spikeHour.plus(Duration.ofHours(1)));
    assertEquals(200, spike.status(), spike.body());
    List<QueryDocumentSnapshot> alerts =
        bed.db.collection("systemAlerts").whereEqualTo("status", "open").get().get().getDocuments();
    Map<String, String> severities = new HashMap<>();
    alerts.forEach(
        a -> {
          assertEquals("cdn", a.getString("source"));
          severities.put(a.getString("key"), a.getString("severity"));
        });
    assertEquals(
        Map.of("bandwidth-spike:total", "warning", "bandwidth-spike:video", "critical"),
        severities);

    // The same scheduled hour delivered again: nothing is added twice.
    long costRecords = bed.db.collection("cdnBandwidthCosts").get().get().size();
    var again =
        job(
            () -> new MonitorBandwidth(bed.platform, bed.root.cdn()),
            spikeHour.plus(Duration.ofHours(1)));
    assertEquals(200, again.status(), again.body());
    assertEquals(costRecords, bed.db.collection("cdnBandwidthCosts").get().get().size());
    assertEquals(10, costRecords, "5 hours × (EU image, US video)");
    // …and booked in the cost domain's ledger, once each despite the re-delivery.
    assertEquals(
        10,
        bed.db.collection("costEvents").get().get().size(),
        "one ledger event per CDN usage record");
    assertTrue(
        bed.db.collection("costEvents").document("cdn-2026112700-EU-image").get().get().exists());

    // Back to normal: the alerts resolve.
    Instant calmHour = base.plus(Duration.ofHours(5));
    egress.record(calmHour.plusSeconds(60), "image", "EU", 2_000_000, 200, 180);
    egress.record(calmHour.plusSeconds(60), "video", "US", 1_000_000, 20, 10);
    bed.clock.set(calmHour.plus(Duration.ofHours(1)).plusSeconds(5));
    var calm =
        job(
            () -> new MonitorBandwidth(bed.platform, bed.root.cdn()),
            calmHour.plus(Duration.ofHours(1)));
    assertEquals(200, calm.status(), calm.body());
    assertTrue(
        bed.db.collection("systemAlerts").whereEqualTo("status", "open").get().get().isEmpty());
    assertEquals(
        2, bed.db.collection("systemAlerts").whereEqualTo("status", "resolved").get().get().size());
  }

  @Test
  void progressiveImagePicksTheBestFormatAndTheSmallestSufficientWidth() throws Exception {
    String assetId = uploadImage(1000, 800);

    var webp =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", assetId, "width", 280, "formats", List.of("webp")))
            .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
    assertEquals(200, webp.status(), webp.body());
    JsonObject w = webp.result().getAsJsonObject();
    assertEquals("webp", w.get("format").getAsString());
    assertEquals(300, w.get("variantWidth").getAsInt());
    assertTrue(w.get("url").getAsString().endsWith("/s300.webp"), w.get("url").getAsString());
    assertTrue(w.get("placeholder").getAsString().startsWith("data:image/jpeg;base64,"));
    assertEquals(
        4, w.get("srcset").getAsString().split(", ").length, w.get("srcset").getAsString());
    assertTrue(
        w.get("srcset").getAsString().contains("/full.webp 1000w"), w.get("srcset").getAsString());
    assertEquals(List.of("webp", "jpeg"), formats(w));

    var any =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", assetId, "width", 5000))
            .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
    JsonObject a = any.result().getAsJsonObject();
    assertEquals("avif", a.get("format").getAsString());
    assertEquals(1000, a.get("variantWidth").getAsInt(), "the largest when none is wide enough");
    assertEquals(List.of("avif", "webp", "jpeg"), formats(a));

    var bad =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", assetId, "formats", List.of("bmp")))
            .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
    assertEquals(400, bad.status());
    assertTrue(bad.errorMessage().contains("formats[0]"), bad.errorMessage());
    var missing =
        FakeExchange.post()
            .bearer(user.idToken())
            .data(CdnFixtures.json("assetId", "img_none"))
            .send(new GetProgressiveImage(bed.platform, bed.root.cdn()));
    assertEquals(404, missing.status());
  }

  @Test
  void aiAvatarsAreVersionedByContentAndCachedForThirtyDays() throws Exception {
    byte[] first = MediaFixtures.png(MediaFixtures.quadrants(512, 512));
    var created =
        FakeExchange.post()
            .body(
                CdnFixtures.json(
                    "avatarId", "luna", "data", Base64.getEncoder().encodeToString(first)))
            .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
    assertEquals(200, created.status(), created.body());
    JsonObject c = created.json();
    assertEquals("avatar_luna", c.get("assetId").getAsString());
    assertFalse(c.get("unchanged").getAsBoolean());
    String version = c.get("version").getAsString();
    String prefix = "media/avatars/luna/" + version + "/";
    List<String> objects = CdnFixtures.objects(bed, prefix);
    assertFalse(objects.isEmpty());
    for (String path : objects) {
      assertEquals("public, max-age=2592000", CdnFixtures.blob(bed, path).getCacheControl(), path);
      assertEquals("ai:luna", CdnFixtures.blob(bed, path).getMetadata().get("owner"));
    }

    var same =
        FakeExchange.post()
            .body(
                CdnFixtures.json(
                    "avatarId", "luna", "data", Base64.getEncoder().encodeToString(first)))
            .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
    assertEquals(200, same.status(), same.body());
    assertTrue(same.json().get("unchanged").getAsBoolean());

    byte[] second = MediaFixtures.png(MediaFixtures.halfTransparent(256, 256));
    var changed =
        FakeExchange.post()
            .body(
                CdnFixtures.json(
                    "avatarId", "luna", "data", Base64.getEncoder().encodeToString(second)))
            .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
    assertEquals(200, changed.status(), changed.body());
    String newVersion = changed.json().get("version").getAsString();
    assertFalse(newVersion.equals(version));
    assertTrue(
        CdnFixtures.objects(bed, prefix).isEmpty(), "the previous version's objects are removed");
    assertFalse(CdnFixtures.objects(bed, "media/avatars/luna/" + newVersion + "/").isEmpty());
    DocumentSnapshot doc = bed.db.collection("cdnAssets").document("avatar_luna").get().get();
    assertEquals(256L, doc.getLong("width"));
    assertEquals("avatar", doc.getString("type"));

    var traversal =
        FakeExchange.post()
            .body(CdnFixtures.json("avatarId", "luna", "path", "ai-avatars/../uploads/x.png"))
            .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
    assertEquals(400, traversal.status(), traversal.body());
    var wrongRoot =
        FakeExchange.post()
            .body(CdnFixtures.json("avatarId", "luna", "path", "uploads/someone/x.png"))
            .send(new CacheAiAvatar(bed.platform, bed.root.cdn()));
    assertEquals(400, wrongRoot.status(), wrongRoot.body());
    assertNull(CdnFixtures.blob(bed, "ai-avatars/x.png"));
  }

  private static List<String> formats(JsonObject result) {
    List<String> out = new ArrayList<>();
    result
        .getAsJsonArray("sources")
        .forEach(s -> out.add(s.getAsJsonObject().get("format").getAsString()));
    return out;
  }
}
