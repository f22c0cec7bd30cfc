package app.avalo.infra.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.MutableClock;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class AlertsTest {
  private final Firestore db = Emulators.isolatedFirestore();
  private final MutableClock clock = MutableClock.at("2026-11-27T06:00:00Z");
  private final Alerts alerts = new Alerts(db, clock);

  private DocumentSnapshot alert(String id) {
    return Firestores.await(db.collection(Alerts.COLLECTION).document(id).get());
  }

  @Test
  void repeatsRefreshTheOpenAlertAndResolutionKeepsHistory() {
    String first =
        alerts.raise(
            "routing", "region:EU", Alerts.Severity.WARNING, "EU degraded", Map.of("p95", 900));
    clock.advance(Duration.ofMinutes(1));
    String again =
        alerts.raise("routing", "region:EU", Alerts.Severity.CRITICAL, "EU unhealthy", Map.of());
    assertEquals(first, again);
    DocumentSnapshot open = alert(first);
    assertEquals(2L, open.getLong("count"));
    assertEquals("critical", open.getString("severity"), "severity escalates");
    assertEquals(
        "2026-11-27T06:01:00Z", Firestores.instant(open.getTimestamp("lastSeen")).toString());
    assertEquals(
        "2026-11-27T06:00:00Z", Firestores.instant(open.getTimestamp("openedAt")).toString());

    assertTrue(alerts.resolve("routing", "region:EU", "system", "healthy again"));
    assertFalse(alerts.resolve("routing", "region:EU", "system", "twice"));
    assertEquals("resolved", alert(first).getString("status"));
    String next = alerts.raise("routing", "region:EU", Alerts.Severity.WARNING, "again", Map.of());
    assertNotEquals(first, next);
    assertEquals("open", alert(next).getString("status"));
  }

  @Test
  void extraWritesCommitWithTheAlertChangeOrNothingCommits() {
    var rule = db.collection("alertsTestRules").document("chat~latency");
    var taken = db.collection("alertsTestRules").document("taken");
    Firestores.await(taken.set(Map.of("by", "someone else")));
    // The commit fails (the extra write's precondition): no alert, no pointer, no outbox record.
    Assertions.assertThrows(
        RuntimeException.class,
        () ->
            alerts.raise(
                "monitoring",
                "chat:latency",
                Alerts.Severity.CRITICAL,
                "p95 600 ms",
                Map.of(),
                tx -> {
                  tx.set(rule, Map.of("firing", true));
                  tx.create(taken, Map.of("by", "the alert"));
                }));
    assertTrue(Firestores.await(db.collection(Alerts.COLLECTION).get()).isEmpty());
    assertTrue(Firestores.await(db.collection(Alerts.KEYS).get()).isEmpty());
    assertTrue(Firestores.await(db.collection(Alerts.NOTIFICATIONS).get()).isEmpty());
    assertFalse(Firestores.await(rule.get()).exists(), "the rule state did not move alone");

    String id =
        alerts.raise(
            "monitoring",
            "chat:latency",
            Alerts.Severity.CRITICAL,
            "p95 600 ms",
            Map.of(),
            tx -> tx.set(rule, Map.of("firing", true)));
    assertEquals("open", alert(id).getString("status"));
    assertTrue(Firestores.await(rule.get()).getBoolean("firing"));
    assertEquals(1, Firestores.await(db.collection(Alerts.NOTIFICATIONS).get()).size());
  }

  @Test
  void resolveByIdClosesAndFreesTheKey() {
    String id = alerts.raise("cost", "budget:ai", Alerts.Severity.WARNING, "70%", Map.of());
    Alerts.Resolved closed = alerts.resolveById(id, "admin@x", "handled");
    assertEquals(new Alerts.Resolved(id, "cost", "budget:ai", true), closed);
    assertEquals("handled", alert(id).getString("resolutionNote"));
    assertNotEquals(
        id, alerts.raise("cost", "budget:ai", Alerts.Severity.WARNING, "70%", Map.of()));
    ApiException missing =
        Assertions.assertThrows(ApiException.class, () -> alerts.resolveById("nope", "a", "n"));
    assertEquals(Status.NOT_FOUND, missing.status());
  }
}
