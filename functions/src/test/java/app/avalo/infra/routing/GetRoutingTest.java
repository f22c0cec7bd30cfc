package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GetRoutingTest {
  @RegisterExtension final TestBed bed = RoutingFixtures.bed().build();
  private final AuthEmulator.User user = TestBed.newUser();

  @BeforeEach
  void setUp() throws Exception {
    RoutingFixtures.initializeRegions(bed, null);
  }

  private JsonObject route(String data) throws Exception {
    return RoutingFixtures.result(call(data));
  }

  /** {@code {service}}. */
  private JsonObject routeService(String service) throws Exception {
    JsonObject data = new JsonObject();
    data.addProperty("service", service);
    return route(Json.write(data));
  }

  /** {@code {service, country}}. */
  private JsonObject routeFrom(String service, String country) throws Exception {
    JsonObject data = new JsonObject();
    data.addProperty("service", service);
    data.addProperty("country", country);
    return route(Json.write(data));
  }

  private FakeExchange.Response call(String data) throws Exception {
    return bed.callAsUser(user, bed.function("getRouting"), data);
  }

  private void drain(String region, String reason) throws Exception {
    JsonObject data = new JsonObject();
    data.addProperty("fromRegion", region);
    data.addProperty("reason", reason);
    RoutingFixtures.result(bed.callAsAdmin(bed.function("forceFailover"), Json.write(data)));
  }

  private void setHealth(String region, RegionStatus status) {
    RoutingFixtures.setHealth(bed, region, status);
  }

  private DocumentSnapshot pin() {
    return Firestores.await(bed.db.collection(UserPins.MAPPINGS).document(user.uid()).get());
  }

  private static List<String> fallbackRegions(JsonObject answer) {
    return answer.getAsJsonArray("fallbacks").asList().stream()
        .map(f -> f.getAsJsonObject().get("region").getAsString())
        .toList();
  }

  @Test
  void unpinnedServiceGoesToTheNearestHealthyRegion() throws Exception {
    JsonObject tokyo =
        route(
            """
            {"service": "ai", "location": {"lat": 35.0, "lng": 135.8}}
            """);
    assertEquals("ASIA", tokyo.get("region").getAsString());
    assertEquals("nearest-region", tokyo.get("reason").getAsString());
    assertFalse(tokyo.get("pinned").getAsBoolean());
    assertEquals(60, tokyo.get("ttlSeconds").getAsInt());
    assertEquals(
        bed.root.routing().config().region("ASIA").endpoint(), tokyo.get("endpoint").getAsString());
    assertEquals(2, fallbackRegions(tokyo).size());

    assertEquals("US", routeFrom("feed", "US").get("region").getAsString());
    assertEquals("EU", routeFrom("feed", "pl").get("region").getAsString());
    assertEquals("ASIA", routeFrom("media", "AU").get("region").getAsString());
  }

  @Test
  void clientMeasuredRttBeatsDistance() throws Exception {
    JsonObject answer =
        route(
            """
            {"service": "events", "location": {"lat": 52.5, "lng": 13.4},
             "rttMs": {"EU": 240, "US": 35}}
            """);
    assertEquals("US", answer.get("region").getAsString());
    assertEquals("lowest-client-rtt", answer.get("reason").getAsString());
  }

  @Test
  void withoutHintsThePrimaryRegionServes() throws Exception {
    JsonObject answer = routeService("support");
    assertEquals("EU", answer.get("region").getAsString());
    assertEquals("primary-region", answer.get("reason").getAsString());
  }

  @Test
  void unhealthyAndDrainingRegionsAreAvoided() throws Exception {
    setHealth("ASIA", RegionStatus.UNHEALTHY);
    JsonObject answer = routeFrom("ai", "JP");
    assertNotEquals("ASIA", answer.get("region").getAsString());
    assertFalse(fallbackRegions(answer).contains("ASIA"), "no fallback to a region that is down");

    setHealth("ASIA", RegionStatus.HEALTHY);
    drain("ASIA", "maintenance");
    assertNotEquals("ASIA", routeFrom("ai", "JP").get("region").getAsString());
  }

  @Test
  void healthyRegionIsPreferredOverANearerDegradedOne() throws Exception {
    setHealth("ASIA", RegionStatus.DEGRADED);
    assertNotEquals("ASIA", routeFrom("ai", "JP").get("region").getAsString());
  }

  @Test
  void withNoHealthyRegionTheLeastBadIsAnsweredWithAReason() throws Exception {
    setHealth("EU", RegionStatus.UNHEALTHY);
    setHealth("US", RegionStatus.DEGRADED);
    setHealth("ASIA", RegionStatus.UNHEALTHY);
    JsonObject degraded = routeFrom("ai", "DE");
    assertEquals("US", degraded.get("region").getAsString());
    assertTrue(
        degraded.get("reason").getAsString().startsWith("no-healthy-region"), degraded.toString());
    assertEquals(15, degraded.get("ttlSeconds").getAsInt(), "ask again soon");

    setHealth("US", RegionStatus.UNHEALTHY);
    JsonObject allDown = routeService("chat");
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
    JsonObject first = routeFrom("chat", "JP");
    assertEquals("ASIA", first.get("region").getAsString());
    assertTrue(first.get("pinned").getAsBoolean());
    assertTrue(first.get("reason").getAsString().startsWith("pin-assigned"), first.toString());
    DocumentSnapshot pin = pin();
    assertEquals("ASIA", pin.getString("regionId"));
    assertEquals(
        Set.of("regionId", "assignedAt", "updatedAt", "previousRegionId", "reason", "homeRegionId"),
        pin.getData().keySet(),
        "the userRegionMappings/{uid} fields of docs/routing.md");
    assertNull(pin.get("previousRegionId"));
    assertEquals("assigned by getRouting (chat)", pin.getString("reason"));

    long writes = Emulators.firestoreWriteCount();
    JsonObject travelling = routeFrom("wallet", "US");
    assertEquals(
        "ASIA", travelling.get("region").getAsString(), "the pin holds wherever the user is");
    assertEquals("pinned", travelling.get("reason").getAsString());
    assertEquals(writes, Emulators.firestoreWriteCount(), "a kept pin is not rewritten");
  }

  @Test
  void pinnedUserStaysOnADegradedRegion() throws Exception {
    routeFrom("calls", "DE");
    setHealth("EU", RegionStatus.DEGRADED);
    JsonObject answer = routeService("calls");
    assertEquals("EU", answer.get("region").getAsString());
    assertEquals("pinned: region is degraded", answer.get("reason").getAsString());
  }

  @Test
  void pinnedUserFailsOverWhenRegionUnhealthy() throws Exception {
    routeFrom("chat", "DE");
    setHealth("EU", RegionStatus.UNHEALTHY);

    JsonObject moved = routeFrom("chat", "DE");
    String target = moved.get("region").getAsString();
    assertNotEquals("EU", target);
    assertTrue(moved.get("pinned").getAsBoolean());
    assertTrue(
        moved.get("reason").getAsString().startsWith("pin-failover: EU is unhealthy"),
        moved.toString());
    assertEquals(target, pin().getString("regionId"));
    assertEquals("EU", pin().getString("previousRegionId"));
    var events =
        Firestores.await(bed.db.collection(UserPins.EVENTS).whereEqualTo("uid", user.uid()).get());
    assertEquals(1, events.size());
    assertEquals("EU", events.getDocuments().get(0).getString("fromRegion"));
    assertEquals(target, events.getDocuments().get(0).getString("toRegion"));

    setHealth("EU", RegionStatus.HEALTHY);
    assertEquals(
        target,
        routeService("wallet").get("region").getAsString(),
        "the user stays where they were moved; no flapping back");
  }

  /** A region's health status as the health checks write a transition (with its time). */
  private void transition(TestBed bed, String region, RegionStatus status) {
    Firestores.await(
        bed.db
            .collection(RegionStore.REGIONS)
            .document(region)
            .update(
                Map.of(
                    "status",
                    status.wire(),
                    "statusChangedAt",
                    Firestores.timestamp(bed.clock.instant()),
                    "consecutiveFailures",
                    status == RegionStatus.UNHEALTHY ? 3L : 0L)));
    bed.root.routing().view().refreshNow();
  }

  @Test
  void pinFailsBackHomeOnceTheRegionHasBeenHealthyForThePeriod() throws Exception {
    routeFrom("chat", "DE");
    transition(bed, "EU", RegionStatus.UNHEALTHY);
    String away = routeFrom("chat", "DE").get("region").getAsString();
    assertNotEquals("EU", away);
    assertEquals("EU", pin().getString("homeRegionId"), "the move keeps the home region");

    transition(bed, "EU", RegionStatus.HEALTHY);
    bed.clock.advance(Duration.ofMinutes(29));
    assertEquals(
        away, routeService("calls").get("region").getAsString(), "not healthy long enough");
    bed.clock.advance(Duration.ofMinutes(2));
    JsonObject home = routeService("calls");
    assertEquals("EU", home.get("region").getAsString());
    assertEquals(
        "pin-failback: EU healthy for 30 min, moved home from " + away,
        home.get("reason").getAsString());
    assertEquals("EU", pin().getString("regionId"));
    assertEquals("pinned", routeService("wallet").get("reason").getAsString());
  }

  @Test
  void pinsStayWhereTheyWereMovedWhenFailBackIsOff() throws Exception {
    try (TestBed off =
        RoutingFixtures.bed().env("ROUTING_PIN_FAILBACK_AFTER_MINUTES", "0").build()) {
      RoutingFixtures.initializeRegions(off, null);
      AuthEmulator.User u = TestBed.newUser();
      String body = "{\"service\": \"chat\", \"country\": \"DE\"}";
      RoutingFixtures.result(off.callAsUser(u, off.function("getRouting"), body));
      transition(off, "EU", RegionStatus.UNHEALTHY);
      String away =
          RoutingFixtures.result(off.callAsUser(u, off.function("getRouting"), body))
              .get("region")
              .getAsString();
      transition(off, "EU", RegionStatus.HEALTHY);
      off.clock.advance(Duration.ofDays(2));
      JsonObject later =
          RoutingFixtures.result(off.callAsUser(u, off.function("getRouting"), body));
      assertEquals(away, later.get("region").getAsString());
      assertEquals("pinned", later.get("reason").getAsString());
    }
  }

  @Test
  void pinnedUserFailsOverWhenRegionIsDrained() throws Exception {
    routeFrom("wallet", "JP");
    drain("ASIA", "planned maintenance");
    JsonObject answer = routeService("wallet");
    assertNotEquals("ASIA", answer.get("region").getAsString());
    assertTrue(answer.get("reason").getAsString().contains("ASIA is draining"), answer.toString());
  }

  @Test
  void statusChangeReachesRoutingThroughTheListener() throws Exception {
    // How fast is a benchmark figure (bin/bench "routing-view", view propagation p95), not a
    // wall-clock bound here: this proves the running instance hears the change from the listener.
    assertEquals("EU", routeService("support").get("region").getAsString()); // view listening
    RegionView view = bed.root.routing().view();
    long reads = view.fallbackReads();
    long snapshots = view.snapshotsReceived();
    Firestores.await(
        bed.db.collection(RegionStore.REGIONS).document("EU").update("status", "unhealthy"));
    long changed = System.nanoTime();
    String region = "EU";
    while (region.equals("EU") && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(30)) {
      Thread.sleep(20);
      region = routeService("support").get("region").getAsString();
    }
    assertNotEquals("EU", region, "routing still sends support to the unhealthy EU after 30 s");
    assertTrue(view.snapshotsReceived() > snapshots, "the listener delivered the change");
    assertEquals(reads, view.fallbackReads(), "no request had to read the regions itself");
  }

  @Test
  void aKeptPinIsAnsweredFromTheCacheWithoutAFirestoreRead() throws Exception {
    RoutingModule routing = bed.root.routing();
    routeFrom("chat", "DE"); // assigns the pin (a create, no read)
    long reads = routing.pinReads();
    for (int i = 0; i < 5; i++) {
      JsonObject again = routeService(i % 2 == 0 ? "calls" : "wallet");
      assertEquals("EU", again.get("region").getAsString());
      assertEquals("pinned", again.get("reason").getAsString());
    }
    assertEquals(reads, routing.pinReads(), "every later pinned call came from the cache");

    // A status change invalidates the cache: the pin is read (and here moved) again.
    setHealth("EU", RegionStatus.UNHEALTHY);
    JsonObject moved = routeService("chat");
    assertNotEquals("EU", moved.get("region").getAsString());
    assertTrue(moved.get("reason").getAsString().startsWith("pin-failover"), moved.toString());
    assertTrue(routing.pinReads() > reads, "the move read the pin");
    long afterMove = routing.pinReads();
    assertEquals(moved.get("region"), routeService("wallet").get("region"));
    assertEquals(afterMove, routing.pinReads(), "the moved pin is cached too");

    // A status change elsewhere makes the next call re-read even though its region is fine.
    setHealth("ASIA", RegionStatus.DEGRADED);
    assertEquals(moved.get("region"), routeService("wallet").get("region"));
    assertEquals(afterMove + 1, routing.pinReads());
  }

  @Test
  void badInputIsRefusedNamingTheFieldAndWritesNothing() throws Exception {
    RoutingFixtures.assertRefused("getRouting", this::call);
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
