package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthQuorumTest {
  private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");
  private final HealthQuorum quorum = new HealthQuorum(Duration.ofSeconds(150));

  /** A vantage that sees region US as {@code us} and everything else healthy. */
  private static VantageReport sees(String vantage, RegionStatus us, boolean reachedAny, int ageS) {
    return new VantageReport(
        vantage,
        NOW.minusSeconds(ageS),
        reachedAny,
        Map.of(
            "US",
            new VantageReport.Observation(
                new HealthState(us, 0, 0, List.of()), vantage + " sees " + us.wire())));
  }

  private RegionStatus decide(VantageReport... reports) {
    return quorum.decide("US", List.of(reports), NOW).status();
  }

  @Test
  void oneOfThreeFailingIsNoMajorityTwoAre() {
    VantageReport eu = sees("EU", RegionStatus.UNHEALTHY, true, 0);
    VantageReport us = sees("US", RegionStatus.HEALTHY, true, 0);
    VantageReport asia = sees("ASIA", RegionStatus.HEALTHY, true, 0);
    assertEquals(RegionStatus.HEALTHY, decide(eu, us, asia));
    assertEquals(
        RegionStatus.UNHEALTHY, decide(eu, us, sees("ASIA", RegionStatus.UNHEALTHY, true, 0)));
    assertEquals(
        RegionStatus.DEGRADED,
        decide(eu, us, sees("ASIA", RegionStatus.DEGRADED, true, 0)),
        "unhealthy + degraded: a majority sees it not healthy, no majority sees it down");
  }

  @Test
  void partitionedAndStaleVantagesDoNotVote() {
    VantageReport cutOff = sees("EU", RegionStatus.UNHEALTHY, false, 0);
    VantageReport stale = sees("ASIA", RegionStatus.HEALTHY, true, 151);
    VantageReport live = sees("US", RegionStatus.UNHEALTHY, true, 0);
    HealthQuorum.Verdict v = quorum.decide("US", List.of(cutOff, stale, live), NOW);
    assertEquals(RegionStatus.UNHEALTHY, v.status(), "US is the only live vantage");
    assertEquals(1, v.live());
    assertEquals("US sees unhealthy", v.reason(), "one voter: its own reason");
  }

  @Test
  void noLiveVantageNoVerdict() {
    List<VantageReport> none = new ArrayList<>();
    none.add(sees("EU", RegionStatus.UNHEALTHY, false, 0));
    assertNull(quorum.decide("US", none, NOW).status());
  }

  @Test
  void theReasonSaysWhoAgreed() {
    HealthQuorum.Verdict v =
        quorum.decide(
            "US",
            List.of(
                sees("ASIA", RegionStatus.UNHEALTHY, true, 0),
                sees("EU", RegionStatus.UNHEALTHY, true, 0),
                sees("US", RegionStatus.HEALTHY, true, 0)),
            NOW);
    assertEquals("ASIA sees unhealthy (seen by 2 of 3 vantages: ASIA, EU)", v.reason());
  }
}
