package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The in-process view routing answers from, with a loader the test controls in place of Firestore.
 */
class RegionViewTest {
  private static final List<RegionDefinition> DEFINITIONS =
      RegionDefinition.SKELETON.stream()
          .map(
              d ->
                  d.withUrls(
                      "https://" + d.gcpRegion() + ".example.test",
                      "https://" + d.gcpRegion() + ".example.test/h"))
          .toList();

  private static List<Region> regions(RegionStatus euStatus) {
    return DEFINITIONS.stream()
        .map(
            d -> {
              Region r = Region.assumedHealthy(d);
              return d.id().equals("EU")
                  ? r.withHealth(new HealthState(euStatus, 0, 0, List.of()), null, null)
                  : r;
            })
        .toList();
  }

  @Test
  void manyRequestsShareOneRead() {
    AtomicInteger loads = new AtomicInteger();
    try (RegionView view =
        new RegionView(
            t -> {
              loads.incrementAndGet();
              return regions(RegionStatus.HEALTHY);
            },
            DEFINITIONS,
            Duration.ofMillis(1_000),
            Duration.ofMillis(2_500))) {
      long started = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        assertEquals(3, view.current().regions().size());
      }
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // One read for the cold start, plus at most one poll per second that passed.
      assertTrue(
          loads.get() <= 1 + elapsedMs / 1_000 + 1,
          loads.get() + " reads for 10000 requests in " + elapsedMs + " ms");
    }
  }

  @Test
  void pollingPicksUpAChange() throws Exception {
    AtomicBoolean euDown = new AtomicBoolean(false);
    try (RegionView view =
        new RegionView(
            t -> regions(euDown.get() ? RegionStatus.UNHEALTHY : RegionStatus.HEALTHY),
            DEFINITIONS,
            Duration.ofMillis(200),
            Duration.ofMillis(1_000))) {
      assertEquals(RegionStatus.HEALTHY, view.current().regions().get(0).health().status());
      euDown.set(true);
      // A liveness check: how fast the change propagates is measured by bin/bench, not asserted
      // here.
      long changed = System.nanoTime();
      while (view.current().regions().get(0).health().status() == RegionStatus.HEALTHY
          && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(30)) {
        Thread.sleep(20);
      }
      assertEquals(RegionStatus.UNHEALTHY, view.current().regions().get(0).health().status());
    }
  }

  @Test
  void aFailedRefreshKeepsServingTheLastView() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(false);
    try (RegionView view =
        new RegionView(
            t -> {
              if (broken.get()) {
                throw new TimeoutException("Firestore is slow");
              }
              return regions(RegionStatus.DEGRADED);
            },
            DEFINITIONS,
            Duration.ofMillis(50),
            Duration.ofMillis(100))) {
      view.current();
      broken.set(true);
      Thread.sleep(300);
      RegionView.Snapshot s = view.current();
      assertTrue(s.fromFirestore());
      assertEquals(RegionStatus.DEGRADED, s.regions().get(0).health().status());
    }
  }

  @Test
  void coldStartWithoutFirestoreAnswersFromTheConfiguredRegions() {
    try (RegionView view =
        new RegionView(
            t -> {
              throw new IllegalStateException("UNAVAILABLE");
            },
            DEFINITIONS,
            Duration.ofMillis(500),
            Duration.ofMillis(1_000))) {
      RegionView.Snapshot s = view.current();
      assertFalse(s.fromFirestore());
      assertEquals(List.of("EU", "US", "ASIA"), s.regions().stream().map(Region::id).toList());
      assertTrue(s.regions().stream().allMatch(r -> r.health().status() == RegionStatus.HEALTHY));
    }
  }
}
