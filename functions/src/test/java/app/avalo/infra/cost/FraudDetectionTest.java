package app.avalo.infra.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FraudDetectionTest {
  private final CostTestApp t = new CostTestApp("2026-06-03T10:00:00Z");

  private JsonObject fixtureCase(String name) {
    for (JsonElement c : RobustThresholdTest.FIXTURE.getAsJsonArray("cases")) {
      if (c.getAsJsonObject().get("name").getAsString().equals(name)) {
        return c.getAsJsonObject();
      }
    }
    throw new AssertionError("no fixture case " + name);
  }

  /** Books each user's cost through the ledger, AI and push mixed, in parallel. */
  private void book(Map<String, Long> users) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> done = new ArrayList<>();
    users.forEach(
        (user, minor) ->
            done.add(
                pool.submit(
                    () -> {
                      CostLedger ledger = t.cost().ledger();
                      ledger.recordCost(CostService.AI, minor - minor / 3, user, null);
                      ledger.recordCost(CostService.PUSH, minor / 3, user, null);
                    })));
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private JsonObject detect(String scheduledFor) throws Exception {
    JsonObject run =
        t.callPrivate(DetectFraudAbuse::new, "{\"scheduledFor\":\"" + scheduledFor + "\"}");
    assertEquals("succeeded", run.get("outcome").getAsString(), run.toString());
    return run.getAsJsonObject("summary");
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new TreeMap<>();
    for (QueryDocumentSnapshot d :
        Firestores.await(t.db.collection(CostStore.FRAUD_FLAGS).get()).getDocuments()) {
      flags.put(d.getString("userId"), d.getString("rule"));
    }
    return flags;
  }

  @Test
  void severalWhalesAreFlaggedThrottledAndAlertedOnce() throws Exception {
    AuthEmulator.User whale = AuthEmulator.newUser();
    AuthEmulator.User regular = AuthEmulator.newUser();
    Map<String, Long> users =
        new LinkedHashMap<>(
            RobustThresholdTest.population(fixtureCase("several whales are all flagged")));
    users.put(whale.uid(), users.remove("w3"));
    users.put(regular.uid(), users.remove("g0-50"));
    book(users);
    // yesterday's spend is outside the one-day window
    t.clock.set(Instant.parse("2026-06-02T10:00:00Z"));
    t.cost().ledger().recordCost(CostService.AI, 500_000_00L, "yesterdays-whale", null);
    t.clock.set(Instant.parse("2026-06-03T10:00:00Z"));

    JsonObject summary = detect("2026-06-03T10:00:00Z");
    assertEquals(105, summary.get("population").getAsLong());
    assertEquals(5, summary.get("anomalous").getAsLong(), summary.toString());
    Map<String, String> expected =
        new TreeMap<>(
            Map.of(
                "w1",
                "statistical",
                "w2",
                "statistical",
                whale.uid(),
                "statistical",
                "w4",
                "statistical",
                "w5",
                "statistical"));
    assertEquals(expected, flags());

    DocumentSnapshot flag =
        Firestores.await(
            t.db.collection(CostStore.FRAUD_FLAGS).document("2026-06-03~" + whale.uid()).get());
    assertEquals(120_000L, flag.getLong("costMinor"));
    assertEquals(1L, flag.getLong("detections"));
    assertTrue(flag.getLong("thresholdMinor") < 80_000L);

    JsonObject denied = t.call(CheckThrottle::new, whale, "{\"service\":\"ai\"}");
    assertFalse(denied.get("allowed").getAsBoolean());
    assertEquals("abuse", denied.get("reason").getAsString());
    assertEquals(Duration.ofMinutes(60).toMillis(), denied.get("retryAfterMs").getAsLong());
    assertFalse(
        t.call(CheckThrottle::new, whale, "{\"service\":\"video\"}").get("allowed").getAsBoolean(),
        "an abuse throttle covers every service");
    // (AI and push are over budget by now; CDN has no budget, so only the abuse throttle can deny
    // it.)
    assertTrue(
        t.call(CheckThrottle::new, regular, "{\"service\":\"cdn\"}").get("allowed").getAsBoolean());
    assertFalse(
        t.call(CheckThrottle::new, whale, "{\"service\":\"cdn\"}").get("allowed").getAsBoolean());

    List<QueryDocumentSnapshot> alert =
        Firestores.await(
                t.db
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("key", "abuse:" + whale.uid())
                    .get())
            .getDocuments();
    assertEquals(1, alert.size());
    assertEquals("warning", alert.get(0).getString("severity"));

    t.clock.advance(Duration.ofMinutes(15));
    detect("2026-06-03T10:15:00Z");
    flag =
        Firestores.await(
            t.db.collection(CostStore.FRAUD_FLAGS).document("2026-06-03~" + whale.uid()).get());
    assertEquals(2L, flag.getLong("detections"));
    assertEquals(
        Instant.parse("2026-06-03T11:15:00Z"),
        Firestores.instant(flag.getTimestamp("throttledUntil")),
        "re-detection extends the throttle");
    alert =
        Firestores.await(
                t.db
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("key", "abuse:" + whale.uid())
                    .get())
            .getDocuments();
    assertEquals(1L, alert.get(0).getLong("count"), "one alert per user and day");

    t.clock.advance(Duration.ofMinutes(61));
    assertTrue(
        t.call(CheckThrottle::new, whale, "{\"service\":\"cdn\"}").get("allowed").getAsBoolean(),
        "the throttle expires");
  }

  @Test
  void quietPopulationsFlagNobody() throws Exception {
    Map<String, Long> users = new LinkedHashMap<>();
    users.putAll(RobustThresholdTest.population(fixtureCase("all zero")));
    book(users);
    JsonObject summary = detect("2026-06-03T10:00:00Z");
    assertEquals(30, summary.get("population").getAsLong());
    assertEquals(0, summary.get("anomalous").getAsLong());
    assertTrue(flags().isEmpty());
    assertTrue(Firestores.await(t.db.collection(CostStore.ABUSE_THROTTLES).get()).isEmpty());
  }

  @Test
  void aLoneUserIsFlaggedOnlyAboveTheCeiling() throws Exception {
    book(Map.of("solo", 1_500_00L));
    detect("2026-06-03T10:00:00Z");
    assertTrue(flags().isEmpty(), "statistics say nothing about one user");
    t.cost().ledger().recordCost(CostService.AI, 1_000_00L, "solo", null);
    JsonObject summary = detect("2026-06-03T10:15:00Z");
    assertEquals(Map.of("solo", "ceiling"), flags(), summary.toString());
    assertNotNull(
        Firestores.await(t.db.collection(CostStore.ABUSE_THROTTLES).document("solo").get())
            .getTimestamp("until"));
  }
}
