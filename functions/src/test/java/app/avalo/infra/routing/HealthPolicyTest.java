package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthPolicyTest {
  private final HealthPolicy policy = new HealthPolicy(3, 2, 800, 10, 2);
  private Instant at = Instant.parse("2026-11-27T06:00:00Z");

  private HealthState feed(HealthState state, String probes) {
    HealthState s = state;
    for (String p : probes.split(" ")) {
      at = at.plusSeconds(10);
      s =
          policy.apply(
              s,
              p.equals("F")
                  ? HealthCheck.failure(at, "HTTP 503")
                  : HealthCheck.success(at, Long.parseLong(p)));
    }
    return s;
  }

  @Test
  void unhealthyOnlyAfterThreeConsecutiveFailures() {
    HealthState two = feed(HealthState.initial(), "50 F F");
    assertEquals(
        RegionStatus.DEGRADED, two.status(), "two failures in the window are intermittent errors");
    HealthState three = feed(two, "F");
    assertEquals(RegionStatus.UNHEALTHY, three.status());
    assertEquals(3, three.consecutiveFailures());
  }

  @Test
  void oneFailureAmongSuccessesChangesNothing() {
    assertEquals(RegionStatus.HEALTHY, feed(HealthState.initial(), "50 F 50 50 50").status());
  }

  @Test
  void failuresInterruptedBySuccessesNeverMakeItUnhealthy() {
    HealthState s = feed(HealthState.initial(), "F F 50 F F 50 F F 50");
    assertEquals(
        RegionStatus.DEGRADED,
        s.status(),
        "intermittent errors degrade, they do not take the region down");
  }

  @Test
  void unhealthyRegionNeedsTwoConsecutiveSuccessesToComeBackHealthy() {
    HealthState down = feed(HealthState.initial(), "F F F F");
    assertEquals(RegionStatus.UNHEALTHY, feed(down, "50").status());
    assertEquals(
        RegionStatus.UNHEALTHY,
        feed(down, "50 F 50").status(),
        "a failure resets the recovery streak");
    HealthState back = feed(down, "50 50");
    assertEquals(
        RegionStatus.HEALTHY, back.status(), "the outage's failures do not keep it degraded");
    assertEquals(2, back.recent().size());
  }

  @Test
  void aShortOutageIsForgivenAfterTwoSuccesses() {
    HealthState down = feed(HealthState.initial(), "50 F F");
    assertEquals(RegionStatus.DEGRADED, down.status());
    assertEquals(RegionStatus.DEGRADED, feed(down, "50").status(), "one success is no recovery");
    HealthState back = feed(down, "50 50");
    assertEquals(
        RegionStatus.HEALTHY,
        back.status(),
        "the streak's failures leave the window at the second success, not 8 checks later");
    assertEquals(0, back.failuresInWindow());
  }

  @Test
  void isolatedFailuresAreNotForgiven() {
    HealthState s = feed(HealthState.initial(), "F 50 50 F 50 50");
    assertEquals(
        RegionStatus.DEGRADED, s.status(), "two isolated failures in the window: intermittent");
    assertEquals(2, s.failuresInWindow());
  }

  @Test
  void degradedWhenMedianLatencyExceedsTheThreshold() {
    HealthState s = feed(HealthState.initial(), "100 900 950");
    assertEquals(RegionStatus.DEGRADED, s.status());
    assertEquals(900L, s.medianLatencyMs());
    assertTrue(policy.explain(s).contains("median latency 900 ms"), policy.explain(s));
  }

  @Test
  void oneSlowProbeDoesNotDegrade() {
    assertEquals(RegionStatus.HEALTHY, feed(HealthState.initial(), "100 2000 100 120").status());
    assertEquals(
        RegionStatus.HEALTHY,
        feed(HealthState.initial(), "1500").status(),
        "too few samples for a median");
  }

  @Test
  void degradedRegionRecoversOnceFastChecksDominateTheWindow() {
    HealthState slow = feed(HealthState.initial(), "900 900 900");
    assertEquals(RegionStatus.DEGRADED, slow.status());
    HealthState s = feed(slow, "100 100 100 100 100 100 100");
    assertEquals(
        RegionStatus.HEALTHY,
        s.status(),
        "median back under the threshold once fast checks dominate the window");
  }

  @Test
  void windowKeepsOnlyTheLastChecks() {
    HealthState s = feed(HealthState.initial(), "1 2 3 4 5 6 7 8 9 10 11 12");
    assertEquals(10, s.recent().size());
    assertEquals(3L, s.recent().get(0).latencyMs());
  }
}
