package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.routing.RegionHealthServer.Mode;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health checks against real HTTP endpoints on loopback that fail, hang and slow down on
 * command. The rounds' 10 s waits move the test clock instead of sleeping.
 */
class RegionHealthRunTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ROUTING_PROBE_CONNECT_TIMEOUT_MS", "500",
          "ROUTING_PROBE_TIMEOUT_MS", "700",
          "ROUTING_DEGRADED_LATENCY_MS", "150");

  private final RegionHealthServer server = new RegionHealthServer();

  /** Each test's own: the probe timeouts and rounds are configuration, read when it is built. */
  private TestBed bed;

  @AfterEach
  void tearDown() {
    server.close();
    if (bed != null) {
      bed.close();
    }
  }

  /** A bed with {@code env}, its regions' health URLs on the test's server. */
  private void bed(Map<String, String> env) throws Exception {
    bed = RoutingFixtures.bed().env(env).build();
    RoutingFixtures.initializeRegions(bed, server);
  }

  private DocumentSnapshot region(String id) {
    return RoutingFixtures.region(bed, id);
  }

  /** Runs the job for the scheduled minute that contains the clock's current time. */
  private JsonObject runJob() throws Exception {
    Instant minute = bed.clock.instant().truncatedTo(ChronoUnit.MINUTES);
    FakeExchange.Response r =
        bed.runJob(new RunHealthChecks(bed.platform, bed.root.routing()), minute);
    assertEquals(200, r.status(), r.body());
    JsonObject outcome = r.json();
    assertEquals("succeeded", outcome.get("outcome").getAsString(), r.body());
    return outcome.getAsJsonObject("summary");
  }

  private List<QueryDocumentSnapshot> events(String region) {
    return Firestores.await(
            bed.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", region).get())
        .getDocuments()
        .stream()
        .sorted((a, b) -> a.getTimestamp("at").compareTo(b.getTimestamp("at")))
        .toList();
  }

  private QueryDocumentSnapshot openAlert(String region) {
    List<QueryDocumentSnapshot> open =
        Firestores.await(
                bed.db
                    .collection(Alerts.COLLECTION)
                    .whereEqualTo("key", RegionAlerts.key(region))
                    .whereEqualTo("status", "open")
                    .get())
            .getDocuments();
    return open.isEmpty() ? null : open.get(0);
  }

  @Test
  void failingRegionTurnsUnhealthyOnItsThirdFailedProbeWithEventAndCriticalAlert()
      throws Exception {
    bed(ENV);
    server.set("EU", Mode.FAIL);
    Instant start = bed.clock.instant();
    JsonObject summary = runJob();

    assertEquals(6, summary.get("rounds").getAsInt());
    assertEquals(18, summary.get("probes").getAsInt());
    assertEquals(6, summary.get("failedProbes").getAsInt());
    assertEquals(0, summary.get("alertFailures").getAsInt());
    assertFalse(summary.has("note"));
    JsonObject down = summary.getAsJsonArray("transitions").get(1).getAsJsonObject();
    assertEquals(Set.of("region", "from", "to", "at", "reason"), down.keySet());
    assertEquals("EU", down.get("region").getAsString());
    assertEquals("unhealthy", down.get("to").getAsString());
    assertEquals(start.plusSeconds(20).toString(), down.get("at").getAsString());
    assertEquals("unhealthy", summary.getAsJsonObject("statuses").get("EU").getAsString());
    assertEquals("unhealthy", region("EU").getString("status"));
    assertEquals(
        start.plusSeconds(20),
        Firestores.instant(region("EU").getTimestamp("statusChangedAt")),
        "the third probe, 20 s into the run, takes it down");
    assertEquals("HTTP 503", region("EU").getString("lastError"));
    assertEquals(
        List.of("healthy>degraded", "degraded>unhealthy"),
        events("EU").stream().map(e -> e.getString("from") + ">" + e.getString("to")).toList());
    QueryDocumentSnapshot alert = openAlert("EU");
    assertNotNull(alert, "an open alert for region:EU");
    assertEquals("critical", alert.getString("severity"));
    assertEquals("routing", alert.getString("source"));
    assertEquals("healthy", region("US").getString("status"));
    assertEquals("healthy", region("ASIA").getString("status"));
    assertTrue(events("US").isEmpty() && events("ASIA").isEmpty());
  }

  @Test
  void aRunWithoutRegionsSaysSo() throws Exception {
    bed = RoutingFixtures.bed().env(ENV).build();
    JsonObject summary = runJob();
    assertEquals(0, summary.get("rounds").getAsInt());
    assertEquals("no regions; run initializeRegions", summary.get("note").getAsString());
    assertEquals(Set.of("rounds", "note"), summary.keySet());
  }

  @Test
  void recoveredRegionIsHealthyAfterTwoSuccessesAndItsAlertIsResolved() throws Exception {
    bed(ENV);
    server.set("EU", Mode.FAIL);
    runJob();
    server.set("EU", Mode.OK);
    bed.clock.set(bed.clock.instant().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60));
    Instant start = bed.clock.instant();
    runJob();

    assertEquals("healthy", region("EU").getString("status"));
    assertEquals(
        start.plusSeconds(10),
        Firestores.instant(region("EU").getTimestamp("statusChangedAt")),
        "the second successful probe brings it back");
    List<QueryDocumentSnapshot> events = events("EU");
    assertEquals(
        "unhealthy>healthy",
        events.get(events.size() - 1).getString("from")
            + ">"
            + events.get(events.size() - 1).getString("to"));
    assertEquals(null, openAlert("EU"), "the alert is resolved");
    assertEquals(
        1,
        Firestores.await(
                bed.db.collection(Alerts.COLLECTION).whereEqualTo("status", "resolved").get())
            .size());
  }

  @Test
  void hangingRegionTimesOutAndCountsAsFailure() throws Exception {
    bed(
        Map.of(
            "ROUTING_PROBE_CONNECT_TIMEOUT_MS",
            "300",
            "ROUTING_PROBE_TIMEOUT_MS",
            "400",
            "ROUTING_HEALTH_ROUNDS",
            "3"));
    server.hangMillis(3_000);
    server.set("ASIA", Mode.HANG);
    runJob();

    assertEquals("unhealthy", region("ASIA").getString("status"));
    // The hanging server does answer after 3 s: a probe that waited for it would record that
    // answer,
    // so "timeout" proves the probe gave up at its own timeout.
    assertTrue(
        region("ASIA").getString("lastError").startsWith("timeout"),
        region("ASIA").getString("lastError"));
    assertEquals("healthy", region("EU").getString("status"));
  }

  @Test
  void slowRegionIsDegradedWithAWarning() throws Exception {
    bed(ENV);
    server.slowMillis(300);
    server.set("US", Mode.SLOW);
    runJob();

    assertEquals("degraded", region("US").getString("status"));
    assertTrue(
        region("US").getLong("medianLatencyMs") >= 300,
        "median " + region("US").getLong("medianLatencyMs"));
    assertEquals("warning", openAlert("US").getString("severity"));
    assertTrue(region("EU").getLong("lastLatencyMs") < 300);
  }

  @Test
  void probesOfAllRegionsRunConcurrently() throws Exception {
    bed(
        Map.of(
            "ROUTING_PROBE_CONNECT_TIMEOUT_MS",
            "500",
            "ROUTING_PROBE_TIMEOUT_MS",
            "800",
            "ROUTING_HEALTH_ROUNDS",
            "1"));
    server.hangMillis(1_500);
    for (String id : RegionDefinition.ids()) {
      server.set(id, Mode.HANG);
    }
    runJob();

    List<RegionHealthServer.Hit> hits = server.hits();
    assertEquals(3, hits.size());
    // Probes give up at 0.8 s and each hang lasts 1.5 s at the server, so a sequential prober would
    // have at most two requests in flight there at once; three means they ran together.
    assertEquals(3, server.mostInFlight(), "all three probes were in flight together");
  }

  @Test
  void steadyStateWritesOnlyTheHeartbeat() throws Exception {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("ROUTING_HEARTBEAT_SECONDS", "300");
    bed(env);
    JsonObject first = runJob();
    assertEquals(3, first.get("writes").getAsInt(), "one heartbeat per region (none written yet)");
    assertNotNull(region("EU").getTimestamp("heartbeatAt"));
    assertNotNull(region("EU").getLong("medianLatencyMs"));

    bed.clock.set(Instant.parse("2026-11-27T06:01:00Z"));
    JsonObject second = runJob();
    assertEquals(
        0, second.get("writes").getAsInt(), "heartbeat not due yet, nothing changed: no write");

    bed.clock.set(Instant.parse("2026-11-27T06:05:00Z"));
    JsonObject third = runJob();
    assertEquals(3, third.get("writes").getAsInt(), "heartbeat due again");
    assertTrue(
        Firestores.await(bed.db.collection(RegionStore.EVENTS).get()).isEmpty(),
        "no transition, no event");
  }

  @Test
  void failureStreakSurvivesFromOneRunToTheNext() throws Exception {
    bed(
        Map.of(
            "ROUTING_HEALTH_ROUNDS",
            "2",
            "ROUTING_PROBE_CONNECT_TIMEOUT_MS",
            "500",
            "ROUTING_PROBE_TIMEOUT_MS",
            "700",
            "ROUTING_INTERMITTENT_FAILURES",
            "5"));
    server.set("EU", Mode.FAIL);
    runJob();
    assertEquals("healthy", region("EU").getString("status"));
    assertEquals(
        2L,
        region("EU").getLong("consecutiveFailures"),
        "the streak is persisted though no status changed");
    bed.clock.advance(Duration.ofSeconds(60));
    runJob();
    assertEquals(
        "unhealthy", region("EU").getString("status"), "the third failure, in the next run");
  }

  @Test
  void healthChecksDoNotClearAManualDrain() throws Exception {
    bed(ENV);
    RoutingFixtures.result(
        bed.callAsAdmin(
            bed.function("forceFailover"),
            """
            {"fromRegion": "EU", "reason": "maintenance", "durationMinutes": 30}
            """));
    runJob();

    Region eu = RegionCodec.fromDoc(region("EU"));
    assertEquals(RegionStatus.HEALTHY, eu.health().status());
    assertEquals(RegionStatus.DRAINING, eu.status(bed.clock.instant()));
    assertEquals("maintenance", eu.drain().reason());
  }

  @Test
  void roundsThatCannotFinishBeforeTheDeadlineAreNotStarted() throws Exception {
    bed(
        Map.of(
            "ROUTING_HEALTH_INTERVAL_MS",
            "30000",
            "ROUTING_PROBE_CONNECT_TIMEOUT_MS",
            "500",
            "ROUTING_PROBE_TIMEOUT_MS",
            "700"));
    JsonObject summary = runJob();

    assertEquals(
        3,
        summary.get("rounds").getAsInt(),
        "rounds at 0, 30 and 60 s fit a 90 s timeout; 90 s does not");
    assertTrue(summary.get("stoppedForDeadline").getAsBoolean());
  }

  @Test
  void regionEventsAreOrderedAndCarryTheCause() throws Exception {
    bed(ENV);
    server.set("EU", Mode.FAIL);
    runJob();
    List<QueryDocumentSnapshot> newestFirst =
        Firestores.await(
                bed.db
                    .collection(RegionStore.EVENTS)
                    .orderBy("at", Query.Direction.DESCENDING)
                    .get())
            .getDocuments();
    assertEquals("unhealthy", newestFirst.get(0).getString("to"));
    assertTrue(
        newestFirst.get(0).getString("reason").contains("3 consecutive failed health checks"),
        newestFirst.get(0).getString("reason"));
    assertFalse(newestFirst.get(0).getString("reason").isBlank());
  }
}
