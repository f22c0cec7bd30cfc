package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static app.avalo.infra.monitoring.MonitoringFixtures.runHealthCheck;
import static app.avalo.infra.monitoring.MonitoringFixtures.sendLatency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Drives a clock through breach → repeat → low-sample → recovery → auto-resolve → new breach. */
class HealthCheckTest {
  @RegisterExtension
  final TestBed bed =
      MonitoringFixtures.bed("2026-03-02T10:00:10Z")
          .env(
              Map.of(
                  "MONITORING_WINDOW_MINUTES",
                  "1",
                  "MONITORING_MIN_SAMPLES",
                  "20",
                  "MONITORING_RECOVERY_WINDOWS",
                  "3"))
          .build();

  @Test
  void alertOpensRepeatsIgnoresThinWindowsAndAutoResolvesAfterHealthyStreak() throws Exception {
    // 10:00 — p95 ≈ 600 ms against a 400 ms critical threshold.
    chat(100, 600);
    nextMinute();
    JsonObject run = runHealthCheck(bed);
    assertEquals(
        "critical", run.getAsJsonObject("summary").get("overall").getAsString(), run.toString());
    DocumentSnapshot alert = onlyOpenAlert("chat:latency");
    String firstId = alert.getId();
    assertEquals("critical", alert.getString("severity"));
    assertEquals(1L, alert.getLong("count"));
    assertTrue(alert.getString("message").contains("p95"), alert.getString("message"));

    // 10:01 — still breaching: the same alert, count and lastSeen move.
    chat(100, 700);
    nextMinute();
    runHealthCheck(bed);
    alert = onlyOpenAlert("chat:latency");
    assertEquals(firstId, alert.getId());
    assertEquals(2L, alert.getLong("count"));
    assertEquals(
        Instant.parse("2026-03-02T10:02:10Z"), alert.getTimestamp("lastSeen").toDate().toInstant());

    // 10:02 — five slow samples: too few to judge either way.
    chat(5, 900);
    nextMinute();
    runHealthCheck(bed);
    alert = onlyOpenAlert("chat:latency");
    assertEquals(2L, alert.getLong("count"), "a thin window neither repeats nor heals");
    assertEquals("insufficient-data", chatCheck().get("outcome").getAsString());

    // 10:03-10:05 — healthy; resolves on the third consecutive healthy window.
    for (int i = 1; i <= 3; i++) {
      chat(100, 90);
      nextMinute();
      runHealthCheck(bed);
      assertEquals(i, chatCheck().get("healthyStreak").getAsInt());
      if (i < 3) {
        assertEquals(
            "open",
            bed.db.collection(Alerts.COLLECTION).document(firstId).get().get().getString("status"));
      }
    }
    DocumentSnapshot resolved = bed.db.collection(Alerts.COLLECTION).document(firstId).get().get();
    assertEquals("resolved", resolved.getString("status"));
    assertEquals(MonitoringAlerts.BY, resolved.getString("resolvedBy"));
    assertTrue(openAlerts().isEmpty());
    assertEquals("ok", health().get("overall").getAsString());

    // 10:06 — a new breach opens a fresh alert; the old one stays in history.
    chat(100, 650);
    nextMinute();
    runHealthCheck(bed);
    DocumentSnapshot second = onlyOpenAlert("chat:latency");
    assertNotEquals(firstId, second.getId());
    assertEquals(1L, second.getLong("count"));

    // Cloud Scheduler re-delivers the same minute: nothing is counted twice.
    runHealthCheck(bed);
    assertEquals(1L, onlyOpenAlert("chat:latency").getLong("count"));
  }

  @Test
  void eachThresholdUsesItsOwnStatisticAndSeverity() throws Exception {
    // Wallet: fast, but 5 failures in 1000 = 0.5 % > 0.2 %.
    sendLatency(bed, new TrackWalletTransaction(bed.platform, monitoring(bed)), 995, 80, true);
    sendLatency(bed, new TrackWalletTransaction(bed.platform, monitoring(bed)), 5, 80, false);
    // Video: p95 packet loss 5 % > 2 % (warning).
    StringBuilder video = new StringBuilder("{\"samples\": [");
    for (int i = 0; i < 50; i++) {
      video
          .append(i == 0 ? "" : ",")
          .append("{\"packetLossPct\": ")
          .append(i < 40 ? 0 : 5)
          .append("}");
    }
    bed.callPrivateOk(
        new TrackVideoCallQuality(bed.platform, monitoring(bed)), video.append("]}").toString());
    // Panic button: 150 ms against 100 ms (critical). AI: 300 ms, under its 400 ms.
    sendLatency(bed, new TrackPanicButton(bed.platform, monitoring(bed)), 30, 150, true);
    sendLatency(bed, new TrackAiResponse(bed.platform, monitoring(bed)), 30, 300, true);
    nextMinute();
    runHealthCheck(bed);

    assertEquals(
        List.of("panic-button:latency", "video:packetLoss", "wallet:failureRate"),
        openAlerts().stream().map(d -> d.getString("key")).sorted().toList());
    assertEquals("critical", onlyOpenAlert("wallet:failureRate").getString("severity"));
    assertEquals("warning", onlyOpenAlert("video:packetLoss").getString("severity"));
    assertEquals("critical", onlyOpenAlert("panic-button:latency").getString("severity"));

    JsonObject health = health();
    assertEquals("critical", health.get("overall").getAsString());
    JsonObject wallet = service(health, "wallet");
    assertEquals("critical", wallet.get("status").getAsString());
    assertEquals(1000, wallet.get("samples").getAsLong());
    assertEquals(0.005, wallet.get("errorRate").getAsDouble(), 1e-9);
    assertEquals("degraded", service(health, "video").get("status").getAsString());
    assertEquals("ok", service(health, "ai").get("status").getAsString());
    assertEquals("no-data", service(health, "chat").get("status").getAsString());
    assertFalse(health.get("stale").getAsBoolean());
  }

  @Test
  void thresholdsAreSeededEditableAndInvalidOnesRaiseAConfigAlert() throws Exception {
    nextMinute();
    runHealthCheck(bed);
    List<QueryDocumentSnapshot> seeded =
        bed.db.collection(ThresholdStore.COLLECTION).get().get().getDocuments();
    assertEquals(ThresholdRule.DEFAULTS.size(), seeded.size());
    var chatRule = bed.db.collection(ThresholdStore.COLLECTION).document("chat~latency");
    assertEquals(400.0, chatRule.get().get().getDouble("threshold"));

    chatRule.update("threshold", 1000).get();
    chat(100, 600);
    nextMinute();
    runHealthCheck(bed);
    assertTrue(openAlerts().isEmpty(), "600 ms is fine once the threshold is 1000 ms");
    assertEquals("ok", chatCheck().get("outcome").getAsString());

    chatRule.update("severity", "loud").get();
    nextMinute();
    runHealthCheck(bed);
    DocumentSnapshot config = onlyOpenAlert("thresholds:chat~latency");
    assertEquals("warning", config.getString("severity"));
    assertTrue(config.getString("message").contains("severity"), config.getString("message"));
    assertEquals(
        "chat~latency",
        health()
            .getAsJsonArray("configProblems")
            .get(0)
            .getAsJsonObject()
            .get("document")
            .getAsString());

    chatRule.update("severity", "warning").get();
    nextMinute();
    runHealthCheck(bed);
    assertEquals(
        "resolved",
        bed.db
            .collection(Alerts.COLLECTION)
            .document(config.getId())
            .get()
            .get()
            .getString("status"));
  }

  @Test
  void systemHealthBeforeAnyEvaluationSaysNoData() throws Exception {
    JsonObject health = health();
    assertEquals("no-data", health.get("overall").getAsString());
    assertTrue(health.get("stale").getAsBoolean());
    assertEquals(MonitoredService.values().length, health.getAsJsonArray("services").size());
    assertNull(health.get("evaluatedAt"));
  }

  // ---- helpers ----

  private void chat(int n, double latencyMs) throws Exception {
    sendLatency(bed, new TrackChatDelivery(bed.platform, monitoring(bed)), n, latencyMs, true);
  }

  private void nextMinute() {
    bed.clock.advance(Duration.ofMinutes(1));
  }

  private List<QueryDocumentSnapshot> openAlerts() throws Exception {
    return bed.db
        .collection(Alerts.COLLECTION)
        .whereEqualTo("status", "open")
        .get()
        .get()
        .getDocuments();
  }

  private DocumentSnapshot onlyOpenAlert(String key) throws Exception {
    List<QueryDocumentSnapshot> open =
        openAlerts().stream().filter(d -> key.equals(d.getString("key"))).toList();
    assertEquals(1, open.size(), "open alerts for " + key);
    assertEquals("monitoring", open.get(0).getString("source"));
    return open.get(0);
  }

  private JsonObject health() throws Exception {
    return bed.callAsAdminOk(new GetSystemHealth(bed.platform, monitoring(bed)), "{}")
        .getAsJsonObject();
  }

  private static JsonObject service(JsonObject health, String name) {
    for (var s : health.getAsJsonArray("services")) {
      if (s.getAsJsonObject().get("service").getAsString().equals(name)) {
        return s.getAsJsonObject();
      }
    }
    throw new AssertionError("no service " + name + " in " + health);
  }

  private JsonObject chatCheck() throws Exception {
    return service(health(), "chat").getAsJsonArray("checks").get(0).getAsJsonObject();
  }
}
