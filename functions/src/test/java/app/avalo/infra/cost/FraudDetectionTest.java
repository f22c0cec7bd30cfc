package app.avalo.infra.cost;

import static app.avalo.infra.cost.CostFixtures.call;
import static app.avalo.infra.cost.CostFixtures.callPrivate;
import static app.avalo.infra.cost.CostFixtures.cost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FraudDetectionTest {
  @RegisterExtension final TestBed bed = CostFixtures.bed("2026-06-03T10:00:00Z").build();

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
                      CostLedger ledger = cost(bed).ledger();
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
        callPrivate(bed, DetectFraudAbuse::new, "{\"scheduledFor\":\"" + scheduledFor + "\"}");
    assertEquals("succeeded", run.get("outcome").getAsString(), run.toString());
    return run.getAsJsonObject("summary");
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new TreeMap<>();
    for (QueryDocumentSnapshot d :
        Firestores.await(bed.db.collection(ThrottleStore.FRAUD_FLAGS).get()).getDocuments()) {
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
    bed.clock.set(Instant.parse("2026-06-02T10:00:00Z"));
    cost(bed).ledger().recordCost(CostService.AI, 500_000_00L, "yesterdays-whale", null);
    bed.clock.set(Instant.parse("2026-06-03T10:00:00Z"));

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
            bed.db
                .collection(ThrottleStore.FRAUD_FLAGS)
                .document("2026-06-03~" + whale.uid())
                .get());
    assertEquals(120_000L, flag.getLong("costMinor"));
    assertEquals(1L, flag.getLong("detections"));
    assertTrue(flag.getLong("thresholdMinor") < 80_000L);

    JsonObject denied = call(bed, CheckThrottle::new, whale, "{\"service\":\"ai\"}");
    assertFalse(denied.get("allowed").getAsBoolean());
    assertEquals("abuse", denied.get("reason").getAsString());
    assertEquals(Duration.ofMinutes(60).toMillis(), denied.get("retryAfterMs").getAsLong());
    assertFalse(
        call(bed, CheckThrottle::new, whale, "{\"service\":\"video\"}")
            .get("allowed")
            .getAsBoolean(),
        "an abuse throttle covers every service");
    // (AI and push are over budget by now; CDN has no budget, so only the abuse throttle can deny
    // it.)
    assertTrue(
        call(bed, CheckThrottle::new, regular, "{\"service\":\"cdn\"}")
            .get("allowed")
            .getAsBoolean());
    assertFalse(
        call(bed, CheckThrottle::new, whale, "{\"service\":\"cdn\"}")
            .get("allowed")
            .getAsBoolean());

    List<QueryDocumentSnapshot> alert =
        Firestores.await(
                bed.db
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("key", "abuse:" + whale.uid())
                    .get())
            .getDocuments();
    assertEquals(1, alert.size());
    assertEquals("warning", alert.get(0).getString("severity"));

    bed.clock.advance(Duration.ofMinutes(15));
    detect("2026-06-03T10:15:00Z");
    flag =
        Firestores.await(
            bed.db
                .collection(ThrottleStore.FRAUD_FLAGS)
                .document("2026-06-03~" + whale.uid())
                .get());
    assertEquals(2L, flag.getLong("detections"));
    assertEquals(
        Instant.parse("2026-06-03T11:15:00Z"),
        Firestores.instant(flag.getTimestamp("throttledUntil")),
        "re-detection extends the throttle");
    alert =
        Firestores.await(
                bed.db
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("key", "abuse:" + whale.uid())
                    .get())
            .getDocuments();
    assertEquals(1L, alert.get(0).getLong("count"), "one alert per user and day");

    bed.clock.advance(Duration.ofMinutes(61));
    assertTrue(
        call(bed, CheckThrottle::new, whale, "{\"service\":\"cdn\"}").get("allowed").getAsBoolean(),
        "the throttle expires");

    // Still spending above the threshold after the throttle expired: the expired alert resolves and
    // the user is alerted afresh (not silenced by "once per day").
    detect("2026-06-03T11:16:00Z");
    assertEquals(
        List.of("open", "resolved"),
        abuseAlertStatuses(whale.uid()),
        "the old alert resolved, a new one opened");

    // The next day the window holds no spend: nobody is flagged, every abuse alert resolves.
    bed.clock.set(Instant.parse("2026-06-04T12:30:00Z"));
    detect("2026-06-04T12:30:00Z");
    assertEquals(List.of("resolved", "resolved"), abuseAlertStatuses(whale.uid()));
    assertEquals(List.of(), openAbuseKeys());
  }

  /** The status of every {@code abuse:{uid}} alert, newest first. */
  private List<String> abuseAlertStatuses(String userId) {
    return Firestores.await(
            bed.db.collection(Alerts.COLLECTION).whereEqualTo("key", "abuse:" + userId).get())
        .getDocuments()
        .stream()
        .sorted(
            Comparator.comparing(
                (QueryDocumentSnapshot d) -> d.getTimestamp("openedAt"), Comparator.reverseOrder()))
        .map(d -> d.getString("status"))
        .toList();
  }

  @Test
  void aMassAnomalyRaisesOneCriticalAlertThatResolvesWhenItIsOver() throws Exception {
    Map<String, Long> users = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      users.put("regular-" + i, 60L + i * 60L);
    }
    for (int i = 0; i < FraudDetector.MAX_FLAGS_PER_RUN + 5; i++) {
      users.put("whale-" + i, 150_000L + i);
    }
    book(users);
    JsonObject summary = detect("2026-06-03T10:00:00Z");
    assertEquals(FraudDetector.MAX_FLAGS_PER_RUN + 5, summary.get("anomalous").getAsLong());
    assertEquals(FraudDetector.MAX_FLAGS_PER_RUN, flags().size());
    assertEquals(List.of("critical"), alertSeverities("abuse:mass"));
    assertEquals(FraudDetector.MAX_FLAGS_PER_RUN, openAbuseKeys().size());

    bed.clock.set(Instant.parse("2026-06-04T12:00:00Z"));
    detect("2026-06-04T12:00:00Z");
    assertEquals(
        List.of("resolved"),
        Firestores.await(
                bed.db.collection(Alerts.COLLECTION).whereEqualTo("key", "abuse:mass").get())
            .getDocuments()
            .stream()
            .map(d -> d.getString("status"))
            .toList());
    assertEquals(List.of(), openAbuseKeys(), "every throttle has expired");
  }

  private List<String> openAbuseKeys() {
    return new Alerts(bed.db, bed.clock)
        .openKeys(CostAlerts.SOURCE, "abuse:").stream()
            .filter(key -> !key.equals("abuse:mass"))
            .toList();
  }

  private List<String> alertSeverities(String key) {
    return Firestores.await(
            bed.db
                .collection(Alerts.COLLECTION)
                .whereEqualTo("key", key)
                .whereEqualTo("status", "open")
                .get())
        .getDocuments()
        .stream()
        .map(d -> d.getString("severity"))
        .toList();
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
    assertTrue(Firestores.await(bed.db.collection(ThrottleStore.ABUSE_THROTTLES).get()).isEmpty());
  }

  @Test
  void aLoneUserIsFlaggedOnlyAboveTheCeiling() throws Exception {
    book(Map.of("solo", 1_500_00L));
    detect("2026-06-03T10:00:00Z");
    assertTrue(flags().isEmpty(), "statistics say nothing about one user");
    cost(bed).ledger().recordCost(CostService.AI, 1_000_00L, "solo", null);
    JsonObject summary = detect("2026-06-03T10:15:00Z");
    assertEquals(Map.of("solo", "ceiling"), flags(), summary.toString());
    assertNotNull(
        Firestores.await(bed.db.collection(ThrottleStore.ABUSE_THROTTLES).document("solo").get())
            .getTimestamp("until"));
  }
}
