package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.avalo.infra.platform.Firestores;
import app.avalo.infra.routing.RegionHealthServer.Mode;
import app.avalo.infra.testing.TestBed;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health decided by quorum across vantages: three checkers (EU, US, ASIA) on one emulator, each
 * probing real loopback endpoints that answer differently per vantage, so a partition between two
 * regions is one vantage's failure and an outage is everyone's.
 */
class VantageQuorumTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ROUTING_HEALTH_ROUNDS", "3",
          "ROUTING_PROBE_CONNECT_TIMEOUT_MS", "500",
          "ROUTING_PROBE_TIMEOUT_MS", "700");

  private final RegionHealthServer server = new RegionHealthServer();
  private TestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = RoutingFixtures.bed().env(ENV).build();
    RoutingFixtures.initializeRegions(bed, server);
    // Every vantage reports a healthy world first, as the three checkers do all the time.
    for (String vantage : RegionDefinition.ids()) {
      runFrom(vantage);
    }
  }

  @AfterEach
  void tearDown() {
    server.close();
    bed.close();
  }

  private HealthRunSummary runFrom(String vantage) throws InterruptedException {
    return bed.root
        .routing()
        .healthRunFrom(vantage)
        .run(bed.clock.instant().plus(Duration.ofSeconds(90)), (k, v) -> {});
  }

  private String status(String region) {
    return RoutingFixtures.region(bed, region).getString("status");
  }

  private VantageReport report(String vantage) {
    return bed.root.routing().vantages().find(vantage).orElseThrow();
  }

  private List<QueryDocumentSnapshot> events(String region) {
    return Firestores.await(
            bed.db.collection(RegionStore.EVENTS).whereEqualTo("regionId", region).get())
        .getDocuments();
  }

  @Test
  void oneVantageSeeingARegionFailDoesNotMarkItUnhealthyTwoDo() throws Exception {
    server.set("US", "EU", Mode.FAIL); // EU cannot reach US; US is fine
    HealthRunSummary eu = runFrom("EU");

    assertEquals(
        RegionStatus.UNHEALTHY,
        report("EU").regions().get("US").state().status(),
        "EU's own view: three failed probes");
    assertEquals("healthy", status("US"), "one vantage of three is no majority");
    assertTrue(eu.transitions().isEmpty(), eu.transitions().toString());
    assertTrue(events("US").isEmpty(), "nothing recorded for US");

    server.set("US", "ASIA", Mode.FAIL); // now ASIA cannot reach it either
    HealthRunSummary asia = runFrom("ASIA");

    assertEquals("unhealthy", status("US"), "two vantages of three are a majority");
    HealthRunSummary.Transition down = asia.transitions().get(asia.transitions().size() - 1);
    assertEquals("US", down.region());
    assertEquals("unhealthy", down.to());
    assertTrue(
        down.reason().contains("3 consecutive failed health checks")
            && down.reason().contains("seen by 2 of 3 vantages: ASIA, EU"),
        down.reason());
    assertEquals("healthy", status("EU"));
    assertEquals("healthy", status("ASIA"));
  }

  @Test
  void aVantageThatReachesNoOneIsIgnored() throws Exception {
    for (String region : RegionDefinition.ids()) {
      server.set(region, "EU", Mode.FAIL); // the EU checker is cut off from everything
    }
    server.set("ASIA", "US", Mode.FAIL); // and US alone cannot reach ASIA
    runFrom("EU");
    runFrom("US");

    assertFalse(report("EU").reachedAny(), "EU reached no region, itself included");
    for (String region : RegionDefinition.ids()) {
      assertEquals(
          RegionStatus.UNHEALTHY,
          report("EU").regions().get(region).state().status(),
          "EU's view of " + region);
    }
    assertEquals(
        "healthy",
        status("ASIA"),
        "with EU ignored, US is one of two live vantages: no majority (counting EU would make it"
            + " two of three)");
    assertEquals("healthy", status("EU"), "EU's own checker failing is not EU failing");

    RegionReports.VantageAgreement asia =
        bed.root.routing().reports().dashboard().vantageAgreement().stream()
            .filter(a -> a.region().equals("ASIA"))
            .findFirst()
            .orElseThrow();
    assertEquals("healthy", asia.verdict());
    assertEquals(2, asia.live());
    assertEquals(1, asia.agreeing());
    RegionReports.Seen fromEu =
        asia.seenBy().stream().filter(s -> s.vantage().equals("EU")).findFirst().orElseThrow();
    assertTrue(fromEu.partitioned() && !fromEu.live(), fromEu.toString());
  }

  @Test
  void vantagesThatStoppedReportingDoNotVote() throws Exception {
    server.set("ASIA", Mode.FAIL);
    runFrom("EU");
    assertEquals("healthy", status("ASIA"), "EU is one of three live vantages");
    // The US and ASIA checkers stop (their regions' schedulers are down): after two heartbeats
    // and a run their reports no longer count, and the one live vantage decides.
    bed.clock.advance(Duration.ofSeconds(200));
    runFrom("EU");

    assertEquals("unhealthy", status("ASIA"));
  }

  @Test
  void aSingleVantageDecidesAlone() throws Exception {
    try (TestBed single = RoutingFixtures.bed().env(ENV).build()) {
      RoutingFixtures.initializeRegions(single, server);
      server.set("EU", Mode.FAIL);
      single
          .root
          .routing()
          .healthRun()
          .run(single.clock.instant().plus(Duration.ofSeconds(90)), (k, v) -> {});
      assertEquals("unhealthy", RoutingFixtures.region(single, "EU").getString("status"));
      String reason = RoutingFixtures.region(single, "EU").getString("statusReason");
      assertFalse(reason.contains("vantages"), "one vantage: the reason is its own: " + reason);
    }
  }
}
