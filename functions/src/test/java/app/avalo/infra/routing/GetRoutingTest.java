package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.testing.AuthEmulator;
import app.avalo.infra.testing.Emulators;
import app.avalo.infra.testing.FakeExchange;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GetRoutingTest {
  private RoutingTestKit kit;
  private AuthEmulator.User user;

  @BeforeEach
  void setUp() throws Exception {
    kit = new RoutingTestKit(Map.of());
    kit.initializeRegions(null);
    user = AuthEmulator.newUser();
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  private JsonObject route(String data) throws Exception {
    return kit.result(call(data));
  }

  private FakeExchange.Response call(String data) throws Exception {
    return kit.asUser(user, new GetRouting(kit.app, kit.routing), data);
  }

  private DocumentSnapshot pin() {
    return Firestores.await(kit.db.collection(UserPins.MAPPINGS).document(user.uid()).get());
  }

  private static List<String> fallbackRegions(JsonObject answer) {
    return answer.getAsJsonArray("fallbacks").asList().stream()
        .map(f -> f.getAsJsonObject().get("region").getAsString())
        .toList();
  }

  @Test
  void unpinnedServiceGoesToTheNearestHealthyRegion() throws Exception {
    JsonObject tokyo = route("{\"service\":\"ai\",\"location\":{\"lat\":35.0,\"lng\":135.8}}");
    assertEquals("ASIA", tokyo.get("region").getAsString());
    assertEquals("nearest-region", tokyo.get("reason").getAsString());
    assertFalse(tokyo.get("pinned").getAsBoolean());
    assertEquals(60, tokyo.get("ttlSeconds").getAsInt());
    assertEquals(
        kit.routing.config().region("ASIA").endpoint(), tokyo.get("endpoint").getAsString());
    assertEquals(2, fallbackRegions(tokyo).size());

    assertEquals(
        "US", route("{\"service\":\"feed\",\"country\":\"US\"}").get("region").getAsString());
    assertEquals(
        "EU", route("{\"service\":\"feed\",\"country\":\"pl\"}").get("region").getAsString());
    assertEquals(
        "ASIA", route("{\"service\":\"media\",\"country\":\"AU\"}").get("region").getAsString());
  }

  @Test
  void clientMeasuredRttBeatsDistance() throws Exception {
    JsonObject answer =
        route(
            "{\"service\":\"events\",\"location\":{\"lat\":52.5,\"lng\":13.4},"
                + "\"rttMs\":{\"EU\":240,\"US\":35}}");
    assertEquals("US", answer.get("region").getAsString());
    assertEquals("lowest-client-rtt", answer.get("reason").getAsString());
  }

  @Test
  void withoutHintsThePrimaryRegionServes() throws Exception {
    JsonObject answer = route("{\"service\":\"support\"}");
    assertEquals("EU", answer.get("region").getAsString());
    assertEquals("primary-region", answer.get("reason").getAsString());
  }

  @Test
  void unhealthyAndDrainingRegionsAreAvoided() throws Exception {
    kit.setHealth("ASIA", RegionStatus.UNHEALTHY);
    JsonObject answer = route("{\"service\":\"ai\",\"country\":\"JP\"}");
    assertNotEquals("ASIA", answer.get("region").getAsString());
    assertFalse(fallbackRegions(answer).contains("ASIA"), "no fallback to a region that is down");

    kit.setHealth("ASIA", RegionStatus.HEALTHY);
    assertEquals(
        200,
        kit.asAdmin(
                new ForceFailover(kit.app, kit.routing),
                "{\"fromRegion\":\"ASIA\",\"reason\":\"maintenance\"}")
            .status());
    assertNotEquals(
        "ASIA", route("{\"service\":\"ai\",\"country\":\"JP\"}").get("region").getAsString());
  }

  @Test
  void healthyRegionIsPreferredOverANearerDegradedOne() throws Exception {
    kit.setHealth("ASIA", RegionStatus.DEGRADED);
    assertNotEquals(
        "ASIA", route("{\"service\":\"ai\",\"country\":\"JP\"}").get("region").getAsString());
  }

  @Test
  void withNoHealthyRegionTheLeastBadIsAnsweredWithAReason() throws Exception {
    kit.setHealth("EU", RegionStatus.UNHEALTHY);
    kit.setHealth("US", RegionStatus.DEGRADED);
    kit.setHealth("ASIA", RegionStatus.UNHEALTHY);
    JsonObject degraded = route("{\"service\":\"ai\",\"country\":\"DE\"}");
    assertEquals("US", degraded.get("region").getAsString());
    assertTrue(
        degraded.get("reason").getAsString().startsWith("no-healthy-region"), degraded.toString());
    assertEquals(15, degraded.get("ttlSeconds").getAsInt(), "ask again soon");

    kit.setHealth("US", RegionStatus.UNHEALTHY);
    JsonObject allDown = route("{\"service\":\"chat\"}");
    assertTrue(
        allDown.get("reason").getAsString().startsWith("no-healthy-region"), allDown.toString());
    assertEquals(
        2,
        allDown.getAsJsonArray("fallbacks").size(),
        "with nothing usable every other region is a fallback");
    assertFalse(pin().exists(), "nobody is pinned to a region that is down");
  }

  @Test
  void pinnedServiceGetsAPinOnFirstUseAndKeepsIt() throws Exception {
    JsonObject first = route("{\"service\":\"chat\",\"country\":\"JP\"}");
    assertEquals("ASIA", first.get("region").getAsString());
    assertTrue(first.get("pinned").getAsBoolean());
    assertTrue(first.get("reason").getAsString().startsWith("pin-assigned"), first.toString());
    DocumentSnapshot pin = pin();
    assertEquals("ASIA", pin.getString("regionId"));

    long writes = Emulators.firestoreWriteCount();
    JsonObject travelling = route("{\"service\":\"wallet\",\"country\":\"US\"}");
    assertEquals(
        "ASIA", travelling.get("region").getAsString(), "the pin holds wherever the user is");
    assertEquals("pinned", travelling.get("reason").getAsString());
    assertEquals(writes, Emulators.firestoreWriteCount(), "a kept pin is not rewritten");
  }

  @Test
  void pinnedUserStaysOnADegradedRegion() throws Exception {
    route("{\"service\":\"calls\",\"country\":\"DE\"}");
    kit.setHealth("EU", RegionStatus.DEGRADED);
    JsonObject answer = route("{\"service\":\"calls\"}");
    assertEquals("EU", answer.get("region").getAsString());
    assertEquals("pinned: region is degraded", answer.get("reason").getAsString());
  }

  @Test
  void pinnedUserFailsOverWhenRegionUnhealthy() throws Exception {
    route("{\"service\":\"chat\",\"country\":\"DE\"}");
    kit.setHealth("EU", RegionStatus.UNHEALTHY);

    JsonObject moved = route("{\"service\":\"chat\",\"country\":\"DE\"}");
    String target = moved.get("region").getAsString();
    assertNotEquals("EU", target);
    assertTrue(moved.get("pinned").getAsBoolean());
    assertTrue(
        moved.get("reason").getAsString().startsWith("pin-failover: EU is unhealthy"),
        moved.toString());
    assertEquals(target, pin().getString("regionId"));
    assertEquals("EU", pin().getString("previousRegionId"));
    var events =
        Firestores.await(kit.db.collection(UserPins.EVENTS).whereEqualTo("uid", user.uid()).get());
    assertEquals(1, events.size());
    assertEquals("EU", events.getDocuments().get(0).getString("fromRegion"));
    assertEquals(target, events.getDocuments().get(0).getString("toRegion"));

    kit.setHealth("EU", RegionStatus.HEALTHY);
    assertEquals(
        target,
        route("{\"service\":\"wallet\"}").get("region").getAsString(),
        "the user stays where they were moved; no flapping back");
  }

  @Test
  void pinnedUserFailsOverWhenRegionIsDrained() throws Exception {
    route("{\"service\":\"wallet\",\"country\":\"JP\"}");
    assertEquals(
        200,
        kit.asAdmin(
                new ForceFailover(kit.app, kit.routing),
                "{\"fromRegion\":\"ASIA\",\"reason\":\"planned maintenance\"}")
            .status());
    JsonObject answer = route("{\"service\":\"wallet\"}");
    assertNotEquals("ASIA", answer.get("region").getAsString());
    assertTrue(answer.get("reason").getAsString().contains("ASIA is draining"), answer.toString());
  }

  @Test
  void statusChangeReachesRoutingWithoutARestart() throws Exception {
    // How fast is a benchmark figure (bin/bench "failover propagation", p95 against SPEC's 3 s),
    // not a
    // wall-clock bound here: this only proves the running instance picks the change up by itself.
    assertEquals(
        "EU",
        route("{\"service\":\"support\"}").get("region").getAsString()); // the view is now polling
    Firestores.await(
        kit.db.collection(RegionStore.REGIONS).document("EU").update("status", "unhealthy"));
    long changed = System.nanoTime();
    String region = "EU";
    while (region.equals("EU") && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(30)) {
      Thread.sleep(50);
      region = route("{\"service\":\"support\"}").get("region").getAsString();
    }
    assertNotEquals("EU", region, "routing still sends support to the unhealthy EU after 30 s");
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("{\"location\":{\"lat\":1,\"lng\":2}}", "service"),
            Map.entry("{\"service\":\"teleport\"}", "service"),
            Map.entry("{\"service\":42}", "service"),
            Map.entry(
                "{\"service\":\"chat\",\"location\":{\"lat\":200,\"lng\":0}}", "location.lat"),
            Map.entry(
                "{\"service\":\"chat\",\"location\":{\"lat\":10,\"lng\":-181}}", "location.lng"),
            Map.entry("{\"service\":\"chat\",\"location\":{\"lat\":10}}", "location.lng"),
            Map.entry(
                "{\"service\":\"chat\",\"location\":{\"lat\":10,\"lng\":1,\"alt\":3}}",
                "location.alt"),
            Map.entry("{\"service\":\"chat\",\"location\":\"Berlin\"}", "location"),
            Map.entry("{\"service\":\"chat\",\"country\":\"XX1\"}", "country"),
            Map.entry("{\"service\":\"chat\",\"country\":\"XX\"}", "country"),
            Map.entry("{\"service\":\"chat\",\"country\":\"D\"}", "country"),
            Map.entry(
                "{\"service\":\"chat\",\"country\":\"DE\",\"location\":{\"lat\":1,\"lng\":2}}",
                "country"),
            Map.entry("{\"service\":\"chat\",\"rttMs\":{\"EU\":-1}}", "rttMs.EU"),
            Map.entry("{\"service\":\"chat\",\"rttMs\":{\"EU\":\"fast\"}}", "rttMs.EU"),
            Map.entry("{\"service\":\"chat\",\"rttMs\":{\"MARS\":20}}", "rttMs.MARS"),
            Map.entry("{\"service\":\"chat\",\"rttMs\":[20]}", "rttMs"),
            Map.entry("{\"service\":\"chat\",\"region\":\"EU\"}", "region"));
    RoutingTestKit.assertRefused(cases, this::call);
    assertFalse(pin().exists());
  }

  @Test
  void everyAssignedCountryCodeResolves() {
    CountryCentroids countries = CountryCentroids.bundled();
    assertTrue(countries.size() >= 249, "all ISO 3166-1 alpha-2 codes: " + countries.size());
    GeoPoint germany = countries.find("DE").orElseThrow();
    assertTrue(germany.distanceKm(new GeoPoint(51.2, 10.4)) < 300, "DE near the middle of Germany");
    assertTrue(countries.find("XX").isEmpty());
  }

  @Test
  void haversineMatchesKnownDistances() {
    GeoPoint berlin = new GeoPoint(52.52, 13.405);
    GeoPoint tokyo = new GeoPoint(35.6762, 139.6503);
    assertEquals(8_920, berlin.distanceKm(tokyo), 60);
    assertEquals(0, berlin.distanceKm(berlin), 1e-9);
    assertEquals(
        20_015, new GeoPoint(0, 0).distanceKm(new GeoPoint(0, 180)), 5, "half the equator");
  }
}
