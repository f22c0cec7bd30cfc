package app.avalo.infra.monitoring;

import static app.avalo.infra.monitoring.MonitoringFixtures.monitoring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Alerts.Severity;
import app.avalo.infra.platform.AuditLog;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AlertsApiTest {
  @RegisterExtension final TestBed bed = MonitoringFixtures.bed("2026-03-02T10:00:00Z").build();

  @Test
  void activeAlertsOfEverySourceComeMostSevereFirstThenMostRecent() throws Exception {
    Alerts alerts = bed.platform.alerts();
    alerts.raise(
        "cost", "budget:ai:80", Severity.WARNING, "AI budget at 80 %", Map.of("percent", 80));
    bed.clock.advance(Duration.ofMinutes(1));
    String routing =
        alerts.raise("routing", "region:EU:unhealthy", Severity.CRITICAL, "EU unhealthy", Map.of());
    bed.clock.advance(Duration.ofMinutes(1));
    alerts.raise("recovery", "backup:daily:missed", Severity.INFO, "daily backup late", Map.of());
    bed.clock.advance(Duration.ofMinutes(1));
    String monitoring =
        alerts.raise(
            "monitoring",
            "chat:latency",
            Severity.CRITICAL,
            "chat slow",
            Map.of("at", Timestamp.ofTimeSecondsAndNanos(1_772_445_600L, 0)));
    String resolved =
        alerts.raise("cost", "budget:cdn:90", Severity.CRITICAL, "CDN budget", Map.of());
    alerts.resolve("cost", "budget:cdn:90", "test", "done");

    JsonObject open =
        bed.callAsAdminOk(new GetActiveAlerts(bed.platform, monitoring(bed)), "{}")
            .getAsJsonObject();
    JsonArray list = open.getAsJsonArray("alerts");
    assertEquals(
        List.of(monitoring, routing, "cost", "recovery"),
        List.of(
            id(list, 0),
            id(list, 1),
            list.get(2).getAsJsonObject().get("source").getAsString(),
            list.get(3).getAsJsonObject().get("source").getAsString()));
    assertFalse(open.get("truncated").getAsBoolean());
    assertFalse(list.toString().contains(resolved));
    assertEquals(
        "2026-03-02T10:00:00Z",
        list.get(0).getAsJsonObject().getAsJsonObject("details").get("at").getAsString(),
        "timestamps in details become ISO");

    JsonObject onlyCost =
        bed.callAsAdminOk(
                new GetActiveAlerts(bed.platform, monitoring(bed)),
                """
                {"source": "cost", "limit": 5}\
                """)
            .getAsJsonObject();
    assertEquals(1, onlyCost.getAsJsonArray("alerts").size());

    JsonObject limited =
        bed.callAsAdminOk(new GetActiveAlerts(bed.platform, monitoring(bed)), "{\"limit\": 2}")
            .getAsJsonObject();
    assertEquals(2, limited.getAsJsonArray("alerts").size());
    assertTrue(limited.get("truncated").getAsBoolean());
  }

  @Test
  void resolveAlertClosesItWithNoteAndIsAudited() throws Exception {
    String id =
        bed.platform
            .alerts()
            .raise("routing", "region:US:unhealthy", Severity.CRITICAL, "US down", Map.of());
    JsonObject result =
        bed.callAsAdminOk(
                new ResolveAlert(bed.platform),
                "{\"alertId\": \"" + id + "\", \"note\": \"failover done, region back\"}")
            .getAsJsonObject();
    assertTrue(result.get("wasOpen").getAsBoolean());

    DocumentSnapshot alert = bed.db.collection(Alerts.COLLECTION).document(id).get().get();
    assertEquals("resolved", alert.getString("status"));
    assertEquals("failover done, region back", alert.getString("resolutionNote"));
    assertTrue(alert.getString("resolvedBy").contains(TestBed.admin().uid()));
    List<QueryDocumentSnapshot> audit =
        bed.db
            .collection(AuditLog.COLLECTION)
            .whereEqualTo("action", "resolveAlert")
            .get()
            .get()
            .getDocuments();
    assertEquals(1, audit.size());
    assertEquals(TestBed.admin().uid(), audit.get(0).getString("actorUid"));

    JsonObject again =
        bed.callAsAdminOk(
                new ResolveAlert(bed.platform),
                "{\"alertId\": \"" + id + "\", \"note\": \"again\"}")
            .getAsJsonObject();
    assertFalse(again.get("wasOpen").getAsBoolean());
    assertEquals(
        "failover done, region back",
        bed.db.collection(Alerts.COLLECTION).document(id).get().get().getString("resolutionNote"));

    // A later raise for the same key opens a new alert.
    String reopened =
        bed.platform
            .alerts()
            .raise("routing", "region:US:unhealthy", Severity.CRITICAL, "US down again", Map.of());
    assertFalse(reopened.equals(id));
  }

  @Test
  void resolveAlertRefusesUnknownIdsMissingNotesAndNonAdmins() throws Exception {
    FakeExchange.Response missing =
        bed.callAsAdmin(
            new ResolveAlert(bed.platform),
            """
            {"alertId": "nope", "note": "x"}\
            """);
    assertEquals(404, missing.status(), missing.body());
    FakeExchange.Response noNote =
        bed.callAsAdmin(new ResolveAlert(bed.platform), "{\"alertId\": \"nope\"}");
    assertEquals(400, noNote.status());
    assertTrue(noNote.errorMessage().startsWith("note"));
    FakeExchange.Response user =
        FakeExchange.post()
            .bearer(AuthEmulator.newUser().idToken())
            .data(
                """
                {"alertId": "nope", "note": "x"}\
                """)
            .send(new ResolveAlert(bed.platform));
    assertEquals(403, user.status());
  }

  private static String id(JsonArray list, int i) {
    return list.get(i).getAsJsonObject().get("id").getAsString();
  }
}
