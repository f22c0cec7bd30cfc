package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.AuditLog;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BudgetStateMachineTest {
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-01-31T20:00:00Z").build();
  private final AuthEmulator.User user = AuthEmulator.newUser();
  private final AuthEmulator.User admin = AuthEmulator.newAdmin();

  @BeforeEach
  void smallBudgets() {
    cost(bed).seedDefaults();
    BudgetStore store = cost(bed).budgetStore();
    store.saveBudget(
        new BudgetPolicy(CostService.AI, 100_00, BudgetPolicy.Mode.AUTO_THROTTLE, 70, 80, 90));
    store.saveBudget(
        new BudgetPolicy(CostService.FIRESTORE, 100_00, BudgetPolicy.Mode.CRITICAL, 70, 80, 90));
  }

  private String spend(CostService service, long minor) {
    return cost(bed).ledger().recordCost(service, minor, "spender", null).budgetState();
  }

  private List<QueryDocumentSnapshot> alerts(String key) {
    return Firestores.await(
            bed.db
                .collection(Alerts.COLLECTION)
                .whereEqualTo("source", "cost")
                .whereEqualTo("key", key)
                .get())
        .getDocuments();
  }

  private JsonObject check(String service) throws Exception {
    return call(bed, CheckThrottle::new, user, "{\"service\":\"" + service + "\"}");
  }

  private JsonObject statusOf(String service) throws Exception {
    for (JsonElement line :
        call(bed, GetBudgetStatus::new, admin, "{}").getAsJsonArray("services")) {
      if (line.getAsJsonObject().get("service").getAsString().equals(service)) {
        return line.getAsJsonObject();
      }
    }
    throw new AssertionError("no status line for " + service);
  }

  @Test
  void autoThrottleServiceAlertsOnceThenThrottlesUntilOverriddenOrMonthEnds() throws Exception {
    assertEquals("ok", spend(CostService.AI, 69_99));
    assertTrue(alerts("budget:ai:2026-01:alert").isEmpty(), "69.99 % raises nothing");
    assertEquals("warning", spend(CostService.AI, 1));
    assertEquals("warning", spend(CostService.AI, 5_00));
    assertEquals("warning", spend(CostService.AI, 4_99));
    List<QueryDocumentSnapshot> alert = alerts("budget:ai:2026-01:alert");
    assertEquals(1, alert.size());
    assertEquals(1L, alert.get(0).getLong("count"), "alerted once per period, not per call");
    assertEquals("warning", alert.get(0).getString("severity"));
    assertTrue(check("ai").get("allowed").getAsBoolean(), "79.99 % is not throttled");

    assertEquals("throttled", spend(CostService.AI, 1));
    assertEquals("critical", alerts("budget:ai:2026-01:throttle").get(0).getString("severity"));
    JsonObject denied = check("ai");
    assertFalse(denied.get("allowed").getAsBoolean());
    assertEquals("budget", denied.get("reason").getAsString());
    assertEquals(
        Duration.ofHours(4).toMillis(),
        denied.get("retryAfterMs").getAsLong(),
        "until the month ends (UTC)");
    assertTrue(check("video").get("allowed").getAsBoolean(), "other services are unaffected");
    JsonObject ai = statusOf("ai");
    assertEquals("throttled", ai.get("state").getAsString());
    assertEquals(80_00, ai.get("spentMinor").getAsLong());
    assertEquals("80.00", ai.get("percent").getAsString());

    JsonObject override =
        call(
            bed,
            DisableThrottling::new,
            admin,
            """
            {"service":"ai","durationMinutes":60,"reason":"launch day"}\
            """);
    assertEquals("launch day", override.get("reason").getAsString());
    assertTrue(check("ai").get("allowed").getAsBoolean(), "override lifts the budget throttle");
    assertEquals("warning", statusOf("ai").get("state").getAsString());
    assertTrue(statusOf("ai").getAsJsonObject("override").get("active").getAsBoolean());
    List<QueryDocumentSnapshot> audit =
        Firestores.await(
                bed.db
                    .collection(AuditLog.COLLECTION)
                    .whereEqualTo("action", "disableThrottling")
                    .get())
            .getDocuments();
    assertEquals(1, audit.size());
    assertEquals(admin.uid(), audit.get(0).getString("actorUid"));
    assertTrue(audit.get(0).getString("arguments").contains("launch day"));

    bed.clock.advance(Duration.ofMinutes(61));
    JsonObject expired = check("ai");
    assertFalse(expired.get("allowed").getAsBoolean(), "override expired");
    assertEquals("budget", expired.get("reason").getAsString());
    assertEquals(1L, alerts("budget:ai:2026-01:alert").get(0).getLong("count"));
    assertEquals(1L, alerts("budget:ai:2026-01:throttle").get(0).getLong("count"));
  }

  @Test
  void criticalServiceAlertsAt70And90ButIsNeverThrottled() throws Exception {
    assertEquals("warning", spend(CostService.FIRESTORE, 85_00));
    assertEquals(1, alerts("budget:firestore:2026-01:alert").size());
    assertTrue(alerts("budget:firestore:2026-01:critical").isEmpty());
    assertEquals("critical", spend(CostService.FIRESTORE, 10_00));
    assertEquals("critical", spend(CostService.FIRESTORE, 50_00));
    List<QueryDocumentSnapshot> critical = alerts("budget:firestore:2026-01:critical");
    assertEquals(1, critical.size());
    assertEquals(1L, critical.get(0).getLong("count"));
    assertEquals("critical", critical.get(0).getString("severity"));
    assertTrue(alerts("budget:firestore:2026-01:throttle").isEmpty());
    assertTrue(
        check("firestore").get("allowed").getAsBoolean(),
        "145 % of a critical budget still serves");
    assertEquals("critical", statusOf("firestore").get("state").getAsString());
    JsonObject refused =
        call(
            bed,
            DisableThrottling::new,
            admin,
            """
            {"service":"firestore","durationMinutes":60,"reason":"x"}\
            """,
            400);
    assertEquals(
        "FAILED_PRECONDITION", refused.getAsJsonObject("error").get("status").getAsString());
  }

  @Test
  void budgetsResetAtTheUtcMonthBoundary() throws Exception {
    spend(CostService.AI, 90_00);
    assertFalse(check("ai").get("allowed").getAsBoolean());
    bed.clock.set(Instant.parse("2026-01-31T23:59:59Z"));
    assertFalse(check("ai").get("allowed").getAsBoolean(), "still January");

    bed.clock.set(Instant.parse("2026-02-01T00:00:00Z"));
    assertTrue(check("ai").get("allowed").getAsBoolean(), "a new month starts unthrottled");
    JsonObject feb = statusOf("ai");
    assertEquals("ok", feb.get("state").getAsString());
    assertEquals(0, feb.get("spentMinor").getAsLong());
    assertEquals("warning", spend(CostService.AI, 71_00));
    assertEquals(
        1,
        alerts("budget:ai:2026-02:alert").size(),
        "the 70 % alert fires again in the new period");
    assertEquals(
        "resolved",
        alerts("budget:ai:2026-01:alert").get(0).getString("status"),
        "last month's alerts are closed when the new month starts");
    assertEquals("resolved", alerts("budget:ai:2026-01:throttle").get(0).getString("status"));
    assertEquals("open", alerts("budget:ai:2026-02:alert").get(0).getString("status"));
  }

  @Test
  void statusForecastsTheMonthEndFromTheRunRate() throws Exception {
    bed.clock.set(Instant.parse("2026-01-16T12:00:00Z")); // half of January's 31 days
    spend(CostService.AI, 30_00);
    JsonObject ai = statusOf("ai");
    assertEquals(60_00, ai.get("forecastMinor").getAsLong());
    assertEquals("60.00", ai.get("forecastPercent").getAsString());
    assertEquals("ok", ai.get("state").getAsString());
    JsonObject cdn = statusOf("cdn");
    assertFalse(cdn.get("budgeted").getAsBoolean());
    assertNull(cdn.get("budgetMinor"));
    assertEquals(70, ai.get("alertPercent").getAsInt());
    assertEquals(80, ai.get("throttlePercent").getAsInt());
  }

  @Test
  void dashboardSectionSummarisesBudgetsAndAbuseThrottles() throws Exception {
    spend(CostService.AI, 85_00);
    spend(CostService.FIRESTORE, 75_00);
    JsonObject section =
        app.avalo.infra.platform.Json.toTree(cost(bed).dashboardSection().snapshot())
            .getAsJsonObject();
    assertEquals("2026-01", section.get("period").getAsString());
    assertEquals(160_00, section.get("totalSpentMinor").getAsLong());
    assertEquals(0, section.get("abuseThrottledUsers").getAsLong());
    Map<String, String> states = new TreeMap<>();
    section
        .getAsJsonArray("services")
        .forEach(
            s ->
                states.put(
                    s.getAsJsonObject().get("service").getAsString(),
                    s.getAsJsonObject().get("state").getAsString()));
    assertEquals("throttled", states.get("ai"));
    assertEquals("warning", states.get("firestore"));
    assertEquals("ok", states.get("video"));
    assertEquals(7, states.size(), "budgeted services only: " + states);
  }
}
