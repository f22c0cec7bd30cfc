package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** initializeRegions, forceFailover, getRegionStatuses and the dashboard section. */
class RegionAdminTest {
  @RegisterExtension final TestBed bed = RoutingFixtures.bed().build();

  private JsonObject statuses() throws Exception {
    return RoutingFixtures.result(
        FakeExchange.post().data("{}").send(bed.function("getRegionStatuses")));
  }

  private FakeExchange.Response initialize(String data) throws Exception {
    return bed.callAsAdmin(bed.function("initializeRegions"), data);
  }

  private void initializeRegions() throws Exception {
    RoutingFixtures.initializeRegions(bed, null);
  }

  private DocumentSnapshot region(String id) {
    return RoutingFixtures.region(bed, id);
  }

  private JsonObject statusOf(String region) throws Exception {
    return statuses().getAsJsonArray("regions").asList().stream()
        .map(e -> e.getAsJsonObject())
        .filter(r -> r.get("id").getAsString().equals(region))
        .findFirst()
        .orElseThrow();
  }

  private FakeExchange.Response forceFailover(String data) throws Exception {
    return bed.callAsAdmin(bed.function("forceFailover"), data);
  }

  @Test
  void initializeCreatesTheThreeRegionsWithTheirDefinitions() throws Exception {
    JsonObject result = RoutingFixtures.result(initialize("{}"));
    assertEquals(3, result.getAsJsonArray("regions").size());
    assertEquals("europe-west10", region("EU").getString("gcpRegion"));
    assertEquals("us-west1", region("US").getString("gcpRegion"));
    assertEquals("asia-northeast1", region("ASIA").getString("gcpRegion"));
    assertTrue(region("EU").getBoolean("primary"));
    assertEquals("Tokyo", region("ASIA").getString("city"));
    assertEquals(
        "https://us-west1-" + Emulators.projectId() + ".cloudfunctions.net",
        region("US").getString("endpoint"));
    assertEquals("healthy", region("US").getString("status"));
  }

  @Test
  void aNewRegionDocumentHasEveryDocumentedFieldWithTheLiveOnesExplicitlyEmpty() throws Exception {
    initializeRegions();
    Map<String, Object> eu = region("EU").getData();
    assertEquals(
        Set.of(
            "id",
            "name",
            "city",
            "gcpRegion",
            "lat",
            "lng",
            "primary",
            "priority",
            "capacityWeight",
            "endpoint",
            "healthUrl",
            "configUpdatedAt",
            "status",
            "statusChangedAt",
            "statusReason",
            "consecutiveFailures",
            "consecutiveSuccesses",
            "recentChecks",
            "lastCheckAt",
            "lastLatencyMs",
            "medianLatencyMs",
            "lastError",
            "heartbeatAt",
            "alertedStatus",
            "drainingSince",
            "drainingUntil",
            "drainingReason",
            "drainingBy",
            "activeFailoverId"),
        eu.keySet(),
        "the regions/{id} fields of docs/routing.md");
    for (String empty :
        List.of("heartbeatAt", "lastCheckAt", "drainingUntil", "drainingBy", "activeFailoverId")) {
      assertNull(eu.get(empty), empty);
    }
    assertEquals(1L, eu.get("priority"));
    assertEquals(List.of(), eu.get("recentChecks"));
    assertEquals("initialized", eu.get("statusReason"));
  }

  @Test
  void initializeIsIdempotentAndNeverResetsLiveStatus() throws Exception {
    initializeRegions();
    RoutingFixtures.setHealth(bed, "US", RegionStatus.UNHEALTHY);
    assertEquals(
        200,
        forceFailover(
                """
                {"fromRegion": "ASIA", "reason": "upgrade"}
                """)
            .status());
    String overrides =
        """
        {"regions": [{"id": "US", "healthUrl": "http://127.0.0.1:9/health/US", "priority": 5}]}
        """;
    JsonObject first = RoutingFixtures.result(initialize(overrides));
    assertEquals(
        "updated",
        first.getAsJsonArray("regions").asList().stream()
            .map(e -> e.getAsJsonObject())
            .filter(r -> r.get("id").getAsString().equals("US"))
            .findFirst()
            .orElseThrow()
            .get("outcome")
            .getAsString());

    long writes = Emulators.firestoreWriteCount();
    JsonObject again = RoutingFixtures.result(initialize(overrides));
    again
        .getAsJsonArray("regions")
        .forEach(
            r ->
                assertEquals(
                    "unchanged",
                    r.getAsJsonObject().get("outcome").getAsString(),
                    again.toString()));
    RoutingFixtures.result(initialize("{}"));
    assertEquals(
        writes + 2, Emulators.firestoreWriteCount(), "only the two audit records were written");

    assertEquals("unhealthy", region("US").getString("status"), "live status kept");
    assertEquals(
        "http://127.0.0.1:9/health/US",
        region("US").getString("healthUrl"),
        "an edit is not reset");
    assertEquals(5L, region("US").getLong("priority"));
    assertEquals("upgrade", region("ASIA").getString("drainingReason"), "drain kept");
  }

  @Test
  void initializeRefusesBadOverrides() throws Exception {
    RoutingFixtures.assertRefused("initializeRegions", this::initialize);
  }

  @Test
  void drainShowsAsManualOverrideUntilItExpires() throws Exception {
    initializeRegions();
    JsonObject drained =
        RoutingFixtures.result(
            forceFailover(
                """
                {"fromRegion": "EU", "reason": "db migration", "durationMinutes": 10}
                """));
    assertEquals("draining", drained.get("status").getAsString());
    JsonObject eu = statusOf("EU");
    assertEquals("draining", eu.get("status").getAsString());
    assertEquals("healthy", eu.get("healthStatus").getAsString());
    assertEquals("draining", eu.getAsJsonObject("manualOverride").get("mode").getAsString());
    assertEquals(
        bed.clock.instant().plus(Duration.ofMinutes(10)).toString(),
        eu.getAsJsonObject("manualOverride").get("until").getAsString());
    assertFalse(
        eu.getAsJsonObject("manualOverride").has("reason"), "the admin's note is not public");

    bed.clock.advance(Duration.ofMinutes(11));
    assertEquals(
        "healthy", statusOf("EU").get("status").getAsString(), "the drain expired by itself");
    assertFalse(statusOf("EU").has("manualOverride"));
  }

  @Test
  void drainCanBeClearedEarly() throws Exception {
    initializeRegions();
    forceFailover(
        """
        {"fromRegion": "US", "reason": "incident 42"}
        """);
    JsonObject cleared =
        RoutingFixtures.result(
            forceFailover(
                """
                {"fromRegion": "US", "clear": true}
                """));
    assertTrue(cleared.get("cleared").getAsBoolean());
    assertEquals("healthy", cleared.get("status").getAsString());
    bed.root.routing().view().refreshNow();
    assertEquals("healthy", statusOf("US").get("status").getAsString());
    JsonObject again =
        RoutingFixtures.result(
            forceFailover(
                """
                {"fromRegion": "US", "clear": true}
                """));
    assertFalse(again.get("cleared").getAsBoolean(), "clearing twice is harmless");
    var types =
        Firestores.await(bed.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", "US").get())
            .getDocuments()
            .stream()
            .map(d -> d.getString("type"))
            .sorted()
            .toList();
    assertEquals(List.of("draining-cleared", "draining-started"), types);
  }

  @Test
  void forceFailoverRefusesBadInputBeforeWriting() throws Exception {
    initializeRegions();
    RoutingFixtures.setHealth(bed, "ASIA", RegionStatus.UNHEALTHY);
    RoutingFixtures.assertRefused("forceFailover", this::forceFailover);
    FakeExchange.Response toDown =
        forceFailover(
            """
            {"fromRegion": "EU", "reason": "x", "toRegion": "ASIA"}
            """);
    assertEquals("FAILED_PRECONDITION", toDown.errorStatus(), toDown.body());
    assertEquals(
        "healthy", statusOf("EU").get("status").getAsString(), "a refused failover drains nothing");
  }

  @Test
  void forceFailoverIsForAdminsOnly() throws Exception {
    initializeRegions();
    FakeExchange.Response r =
        FakeExchange.post()
            .bearer(AuthEmulator.newUser().idToken())
            .data(
                """
                {"fromRegion": "EU", "reason": "x"}
                """)
            .send(bed.function("forceFailover"));
    assertEquals(403, r.status());
    assertEquals("healthy", region("EU").getString("status"));
    assertTrue(region("EU").get("drainingUntil") == null);
  }

  @Test
  void publicStatusesShowLatencyButNoInternalUrls() throws Exception {
    initializeRegions();
    JsonObject eu = statusOf("EU");
    assertEquals("healthy", eu.get("status").getAsString());
    assertTrue(eu.has("endpoint"));
    assertFalse(Json.write(statuses()).contains("healthUrl"));
    assertFalse(Json.write(statuses()).contains("/healthz"));
  }

  @Test
  void dashboardSectionShowsRegionsEventsAndRunningFailovers() throws Exception {
    initializeRegions();
    forceFailover(
        """
        {"fromRegion": "EU", "reason": "drill"}
        """);
    JsonObject section =
        Json.toTree(bed.root.routing().dashboardSection().snapshot()).getAsJsonObject();
    assertEquals(3, section.getAsJsonArray("regions").size());
    JsonObject eu = section.getAsJsonArray("regions").get(0).getAsJsonObject();
    assertEquals("draining", eu.get("status").getAsString());
    assertEquals("drill", eu.getAsJsonObject("manualOverride").get("reason").getAsString());
    JsonObject event = section.getAsJsonArray("recentEvents").get(0).getAsJsonObject();
    assertEquals(
        Set.of("regionId", "type", "at", "until", "reason", "by", "id"),
        event.keySet(),
        event.toString());
    assertEquals("draining-started", event.get("type").getAsString());
    assertEquals("EU", event.get("regionId").getAsString());
    assertEquals("drill", event.get("reason").getAsString());
    assertEquals(bed.clock.instant().toString(), event.get("at").getAsString());
    assertEquals(0, section.getAsJsonArray("runningFailovers").size());
  }
}
