package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static app.avalo.infra.monitoring.MonitoringFixtures.runHealthCheck;
import static app.avalo.infra.monitoring.MonitoringFixtures.sendLatency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert decisions of issue #16 through the real path — track* calls, {@code runHealthCheck} per
 * minute, alerts in Firestore: a pending period, NoData on a total outage, the region a breach is
 * attributed to, and the exact decision giving way to the estimate after a threshold edit.
 */
class AlertDecisionTest {
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
                  "1",
                  "MONITORING_THRESHOLD_CACHE_SECONDS",
                  "0"))
          .build();

  @Test
  void aPendingPeriodHoldsTheAlertUntilThatManyWindowsBreached() throws Exception {
    seedThresholds();
    chatRule().update("forWindows", 3).get();
    for (int window = 1; window <= 2; window++) {
      chat(100, 600);
      nextMinute();
      runHealthCheck(bed);
      JsonObject check = chatCheck();
      assertEquals("pending", check.get("outcome").getAsString(), check.toString());
      assertEquals(window, check.get("breachStreak").getAsInt());
      assertTrue(openAlerts("chat:latency").isEmpty(), "pending after " + window + " window(s)");
    }
    chat(100, 600);
    nextMinute();
    runHealthCheck(bed);
    assertEquals("breach", chatCheck().get("outcome").getAsString());
    assertEquals(1, openAlerts("chat:latency").size(), "the third breaching window alerts");

    // A healthy window in the middle of a pending period starts it again.
    chat(100, 90);
    nextMinute();
    runHealthCheck(bed);
    assertTrue(openAlerts("chat:latency").isEmpty(), "resolved after one healthy window");
    chat(100, 600);
    nextMinute();
    runHealthCheck(bed);
    assertEquals(1, chatCheck().get("breachStreak").getAsInt());
    assertTrue(openAlerts("chat:latency").isEmpty());
  }

  @Test
  void aTotalOutageOfAServiceRaisesNoDataAndTheFirstSamplesResolveIt() throws Exception {
    chat(100, 90);
    nextMinute();
    runHealthCheck(bed);
    int expected = chatNoData().get("expectedWindows").getAsInt();
    assertTrue(expected > 0, "chat expects traffic by default");
    for (int empty = 1; empty < expected; empty++) {
      nextMinute();
      runHealthCheck(bed);
      assertEquals(empty, chatNoData().get("emptyWindows").getAsInt());
      assertTrue(openAlerts("chat:nodata").isEmpty(), empty + " empty window(s) are not NoData");
    }
    nextMinute();
    runHealthCheck(bed);
    List<QueryDocumentSnapshot> nodata = openAlerts("chat:nodata");
    assertEquals(1, nodata.size(), "no samples at all is an alert, not silence");
    assertEquals("critical", nodata.get(0).getString("severity"), "chat has a critical rule");

    chat(100, 90);
    nextMinute();
    runHealthCheck(bed);
    assertTrue(openAlerts("chat:nodata").isEmpty(), "traffic is back");
    assertEquals(
        "resolved",
        bed.db
            .collection(Alerts.COLLECTION)
            .document(nodata.get(0).getId())
            .get()
            .get()
            .getString("status"));
  }

  @Test
  void anUnknownRegionIsRefusedAndABreachNamesTheRegionItCameFrom() throws Exception {
    FakeExchange.Response refused =
        bed.callPrivate(
            new TrackChatDelivery(bed.platform, monitoring(bed)),
            "{\"region\":\"MARS\",\"samples\":[{\"latencyMs\":600,\"success\":true}]}");
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("region"), refused.body());

    bed.callPrivateOk(new TrackChatDelivery(bed.platform, monitoring(bed)), slowChatIn("EU", 90));
    chat(10, 90); // unattributed, fast
    nextMinute();
    runHealthCheck(bed);
    List<QueryDocumentSnapshot> open = openAlerts("chat:latency");
    assertEquals(1, open.size());
    assertEquals("EU", chatCheck().get("region").getAsString());
    @SuppressWarnings("unchecked")
    Map<String, Object> labels = (Map<String, Object>) open.get(0).get("labels");
    assertEquals("EU", labels.get("region"), String.valueOf(labels));
  }

  @Test
  void aWindowCountedAgainstAnEditedThresholdIsDecidedFromTheEstimate() throws Exception {
    seedThresholds();
    chat(100, 600);
    // The edit lands mid-window: the samples so far were counted against 400 ms, not 500 ms.
    chatRule().update("threshold", 500).get();
    chat(100, 600);
    nextMinute();
    runHealthCheck(bed);
    JsonObject check = chatCheck();
    assertEquals("estimate", check.get("decision").getAsString(), check.toString());
    assertEquals("breach", check.get("outcome").getAsString());

    chat(100, 600);
    nextMinute();
    runHealthCheck(bed);
    check = chatCheck();
    assertEquals("exact", chatCheck().get("decision").getAsString(), check.toString());
    assertEquals(1.0, check.get("aboveShare").getAsDouble(), 1e-9);
  }

  // ---- helpers ----

  /** One evaluation seeds the threshold documents (the test then edits them). */
  private void seedThresholds() throws Exception {
    runHealthCheck(bed);
  }

  private DocumentReference chatRule() {
    return bed.db.collection(ThresholdStore.COLLECTION).document("chat~latency");
  }

  /** 40 samples at 600 ms served by {@code region} and {@code fastOnes} at 90 ms from it too. */
  private static String slowChatIn(String region, int fastOnes) {
    StringBuilder body = new StringBuilder("{\"region\":\"" + region + "\",\"samples\":[");
    for (int i = 0; i < 40 + fastOnes; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"latencyMs\":")
          .append(i < 40 ? 600 : 90)
          .append(",\"success\":true}");
    }
    return body.append("]}").toString();
  }

  private void chat(int n, double latencyMs) throws Exception {
    sendLatency(bed, new TrackChatDelivery(bed.platform, monitoring(bed)), n, latencyMs, true);
  }

  private void nextMinute() {
    bed.clock.advance(Duration.ofMinutes(1));
  }

  private List<QueryDocumentSnapshot> openAlerts(String key) throws Exception {
    return bed.db
        .collection(Alerts.COLLECTION)
        .whereEqualTo("status", "open")
        .whereEqualTo("key", key)
        .get()
        .get()
        .getDocuments();
  }

  private JsonObject chatService() throws Exception {
    JsonObject health =
        bed.callAsAdminOk(new GetSystemHealth(bed.platform, monitoring(bed)), "{}")
            .getAsJsonObject();
    for (var s : health.getAsJsonArray("services")) {
      if ("chat".equals(s.getAsJsonObject().get("service").getAsString())) {
        return s.getAsJsonObject();
      }
    }
    throw new AssertionError("no chat in " + health);
  }

  private JsonObject chatCheck() throws Exception {
    return chatService().getAsJsonArray("checks").get(0).getAsJsonObject();
  }

  private JsonObject chatNoData() throws Exception {
    return chatService().getAsJsonObject("noData");
  }
}
