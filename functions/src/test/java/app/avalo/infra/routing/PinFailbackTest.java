package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fail-back policy on its own: when home is ready, and how many moves a second it allows. */
class PinFailbackTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private static Region healthySince(Instant changedAt, Drain drain) {
    return new Region(
        RegionDefinition.SKELETON.get(0),
        HealthState.initial(),
        changedAt,
        changedAt,
        changedAt,
        RegionStatus.HEALTHY,
        drain,
        null);
  }

  @Test
  void atMostPerSecondMovesAreTakenEachSecondAndTheAllowanceRenews() {
    PinFailback failback = new PinFailback(Duration.ofMinutes(30), 3);
    int taken = 0;
    for (int i = 0; i < 10; i++) {
      if (failback.tryTake(T0.plusMillis(i * 90L))) {
        taken++;
      }
    }
    assertEquals(3, taken, "10 calls inside one second, 3 moves");
    assertTrue(failback.tryTake(T0.plusSeconds(1)), "the next second has its own allowance");
    assertTrue(failback.tryTake(T0.plusSeconds(1).plusMillis(500)));
    assertTrue(failback.tryTake(T0.plusSeconds(1).plusMillis(999)));
    assertFalse(failback.tryTake(T0.plusSeconds(1).plusMillis(999)));
  }

  @Test
  void homeIsReadyOnlyAfterItHasBeenHealthyForThePeriodCountedFromTheEndOfADrain() {
    PinFailback failback = new PinFailback(Duration.ofMinutes(30), 20);
    Region home = healthySince(T0, null);
    assertFalse(failback.homeIsReady(home, T0.plus(Duration.ofMinutes(29))));
    assertTrue(failback.homeIsReady(home, T0.plus(Duration.ofMinutes(30))));

    Drain ended = new Drain(T0, T0.plus(Duration.ofMinutes(10)), "maintenance", "admin@avalo");
    Region drained = healthySince(T0, ended);
    assertFalse(
        failback.homeIsReady(drained, T0.plus(Duration.ofMinutes(5))), "draining is not ready");
    assertFalse(failback.homeIsReady(drained, T0.plus(Duration.ofMinutes(39))));
    assertTrue(failback.homeIsReady(drained, T0.plus(Duration.ofMinutes(40))));
  }

  @Test
  void aZeroPeriodTurnsFailBackOff() {
    PinFailback off = new PinFailback(Duration.ZERO, 20);
    assertFalse(off.enabled());
    assertFalse(off.homeIsReady(healthySince(T0, null), T0.plus(Duration.ofDays(7))));
  }
}
