package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.platform.Json;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** initializeRegions, forceFailover, getRegionStatuses and the dashboard section. */
class RegionAdminTest {
  private RoutingTestKit kit;

  @BeforeEach
  void setUp() {
    kit = new RoutingTestKit(Map.of());
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  private JsonObject statuses() throws Exception {
    return kit.result(
        FakeExchange.post().data("{}").send(new GetRegionStatuses(kit.app, kit.routing)));
  }

  private JsonObject statusOf(String region) throws Exception {
    return statuses().getAsJsonArray("regions").asList().stream()
        .map(e -> e.getAsJsonObject())
        .filter(r -> r.get("id").getAsString().equals(region))
        .findFirst()
        .orElseThrow();
  }

  private FakeExchange.Response forceFailover(String data) throws Exception {
    return kit.asAdmin(new ForceFailover(kit.app, kit.routing), data);
  }

  @Test
  void initializeCreatesTheThreeRegionsWithTheirDefinitions() throws Exception {
    JsonObject result = kit.result(kit.asAdmin(new InitializeRegions(kit.app, kit.routing), "{}"));
    assertEquals(3, result.getAsJsonArray("regions").size());
    assertEquals("europe-west10", kit.region("EU").getString("gcpRegion"));
    assertEquals("us-west1", kit.region("US").getString("gcpRegion"));
    assertEquals("asia-northeast1", kit.region("ASIA").getString("gcpRegion"));
    assertTrue(kit.region("EU").getBoolean("primary"));
    assertEquals("Tokyo", kit.region("ASIA").getString("city"));
    assertEquals(
        "https://us-west1-" + Emulators.projectId() + ".cloudfunctions.net",
        kit.region("US").getString("endpoint"));
    assertEquals("healthy", kit.region("US").getString("status"));
  }

  @Test
  void initializeIsIdempotentAndNeverResetsLiveStatus() throws Exception {
    kit.initializeRegions(null);
    kit.setHealth("US", RegionStatus.UNHEALTHY);
    assertEquals(200, forceFailover("{\"fromRegion\":\"ASIA\",\"reason\":\"upgrade\"}").status());
    var overrides =
        "{\"regions\":[{\"id\":\"US\",\"healthUrl\":\"http://127.0.0.1:9/health/US\",\"priority\":5}]}";
    JsonObject first =
        kit.result(kit.asAdmin(new InitializeRegions(kit.app, kit.routing), overrides));
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
    JsonObject again =
        kit.result(kit.asAdmin(new InitializeRegions(kit.app, kit.routing), overrides));
    again
        .getAsJsonArray("regions")
        .forEach(
            r ->
                assertEquals(
                    "unchanged",
                    r.getAsJsonObject().get("outcome").getAsString(),
                    again.toString()));
    kit.result(kit.asAdmin(new InitializeRegions(kit.app, kit.routing), "{}"));
    assertEquals(
        writes + 2, Emulators.firestoreWriteCount(), "only the two audit records were written");

    assertEquals("unhealthy", kit.region("US").getString("status"), "live status kept");
    assertEquals(
        "http://127.0.0.1:9/health/US",
        kit.region("US").getString("healthUrl"),
        "an edit is not reset");
    assertEquals(5L, kit.region("US").getLong("priority"));
    assertEquals("upgrade", kit.region("ASIA").getString("drainingReason"), "drain kept");
  }

  @Test
  void initializeRefusesBadOverrides() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"regions\":[{\"id\":\"MARS\"}]}", "regions[0].id",
            "{\"regions\":[{\"id\":\"EU\",\"healthUrl\":\"ftp://x/y\"}]}", "regions[0].healthUrl",
            "{\"regions\":[{\"id\":\"EU\",\"endpoint\":\"not a url\"}]}", "regions[0].endpoint",
            "{\"regions\":[{\"id\":\"EU\"},{\"id\":\"EU\"}]}", "regions[1].id",
            "{\"regions\":[{\"id\":\"EU\",\"priority\":0}]}", "regions[0].priority",
            "{\"regions\":[{\"id\":\"EU\",\"status\":\"healthy\"}]}", "regions[0].status",
            "{\"regions\":{}}", "regions");
    RoutingTestKit.assertRefused(
        cases, data -> kit.asAdmin(new InitializeRegions(kit.app, kit.routing), data));
  }

  @Test
  void drainShowsAsManualOverrideUntilItExpires() throws Exception {
    kit.initializeRegions(null);
    JsonObject drained =
        kit.result(
            forceFailover(
                "{\"fromRegion\":\"EU\",\"reason\":\"db migration\",\"durationMinutes\":10}"));
    assertEquals("draining", drained.get("status").getAsString());
    JsonObject eu = statusOf("EU");
    assertEquals("draining", eu.get("status").getAsString());
    assertEquals("healthy", eu.get("healthStatus").getAsString());
    assertEquals("draining", eu.getAsJsonObject("manualOverride").get("mode").getAsString());
    assertEquals(
        kit.clock.instant().plus(Duration.ofMinutes(10)).toString(),
        eu.getAsJsonObject("manualOverride").get("until").getAsString());
    assertFalse(
        eu.getAsJsonObject("manualOverride").has("reason"), "the admin's note is not public");

    kit.clock.advance(Duration.ofMinutes(11));
    assertEquals(
        "healthy", statusOf("EU").get("status").getAsString(), "the drain expired by itself");
    assertFalse(statusOf("EU").has("manualOverride"));
  }

  @Test
  void drainCanBeClearedEarly() throws Exception {
    kit.initializeRegions(null);
    forceFailover("{\"fromRegion\":\"US\",\"reason\":\"incident 42\"}");
    JsonObject cleared = kit.result(forceFailover("{\"fromRegion\":\"US\",\"clear\":true}"));
    assertTrue(cleared.get("cleared").getAsBoolean());
    assertEquals("healthy", cleared.get("status").getAsString());
    kit.routing.view().refreshNow();
    assertEquals("healthy", statusOf("US").get("status").getAsString());
    JsonObject again = kit.result(forceFailover("{\"fromRegion\":\"US\",\"clear\":true}"));
    assertFalse(again.get("cleared").getAsBoolean(), "clearing twice is harmless");
    var types =
        Firestores.await(kit.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", "US").get())
            .getDocuments()
            .stream()
            .map(d -> d.getString("type"))
            .sorted()
            .toList();
    assertEquals(List.of("draining-cleared", "draining-started"), types);
  }

  @Test
  void forceFailoverRefusesBadInputBeforeWriting() throws Exception {
    kit.initializeRegions(null);
    kit.setHealth("ASIA", RegionStatus.UNHEALTHY);
    Map<String, String> invalid =
        Map.of(
            "{\"reason\":\"x\"}", "fromRegion",
            "{\"fromRegion\":\"EU\"}", "reason",
            "{\"fromRegion\":\"EU\",\"reason\":\"x\",\"toRegion\":\"EU\"}", "toRegion",
            "{\"fromRegion\":\"EU\",\"reason\":\"x\",\"durationMinutes\":0}", "durationMinutes",
            "{\"fromRegion\":\"EU\",\"reason\":\"x\",\"durationMinutes\":20000}", "durationMinutes",
            "{\"fromRegion\":\"EU\",\"clear\":true,\"durationMinutes\":5}", "durationMinutes");
    RoutingTestKit.assertRefused(invalid, this::forceFailover);
    FakeExchange.Response toDown =
        forceFailover("{\"fromRegion\":\"EU\",\"reason\":\"x\",\"toRegion\":\"ASIA\"}");
    assertEquals("FAILED_PRECONDITION", toDown.errorStatus(), toDown.body());
    assertEquals(
        "healthy", statusOf("EU").get("status").getAsString(), "a refused failover drains nothing");
  }

  @Test
  void forceFailoverIsForAdminsOnly() throws Exception {
    kit.initializeRegions(null);
    FakeExchange.Response r =
        FakeExchange.post()
            .bearer(AuthEmulator.newUser().idToken())
            .data("{\"fromRegion\":\"EU\",\"reason\":\"x\"}")
            .send(new ForceFailover(kit.app, kit.routing));
    assertEquals(403, r.status());
    assertEquals("healthy", kit.region("EU").getString("status"));
    assertTrue(kit.region("EU").get("drainingUntil") == null);
  }

  @Test
  void publicStatusesShowLatencyButNoInternalUrls() throws Exception {
    kit.initializeRegions(null);
    JsonObject eu = statusOf("EU");
    assertEquals("healthy", eu.get("status").getAsString());
    assertTrue(eu.has("endpoint"));
    assertFalse(Json.write(statuses()).contains("healthUrl"));
    assertFalse(Json.write(statuses()).contains("/healthz"));
  }

  @Test
  void dashboardSectionShowsRegionsEventsAndRunningFailovers() throws Exception {
    kit.initializeRegions(null);
    forceFailover("{\"fromRegion\":\"EU\",\"reason\":\"drill\"}");
    JsonObject section = Json.toTree(kit.routing.dashboardSection().snapshot()).getAsJsonObject();
    assertEquals(3, section.getAsJsonArray("regions").size());
    JsonObject eu = section.getAsJsonArray("regions").get(0).getAsJsonObject();
    assertEquals("draining", eu.get("status").getAsString());
    assertEquals("drill", eu.getAsJsonObject("manualOverride").get("reason").getAsString());
    assertEquals(
        "draining-started",
        section.getAsJsonArray("recentEvents").get(0).getAsJsonObject().get("type").getAsString());
    assertEquals(0, section.getAsJsonArray("runningFailovers").size());
  }
}
