package app.avalo.infra.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The in-process view routing answers from, with a source (one read, a listener) the test controls
 * in place of Firestore.
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

  /** A source the test drives: {@code push} is Firestore's listener delivering a change. */
  private static final class FakeSource implements RegionView.Source {
    final AtomicReference<List<Region>> stored = new AtomicReference<>();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger listens = new AtomicInteger();
    final AtomicBoolean broken = new AtomicBoolean();
    volatile Consumer<List<Region>> listener;

    FakeSource(List<Region> initial) {
      stored.set(initial);
    }

    @Override
    public List<Region> load(Duration timeout) throws TimeoutException {
      loads.incrementAndGet();
      if (broken.get()) {
        throw new TimeoutException("Firestore is slow");
      }
      return stored.get();
    }

    @Override
    public AutoCloseable listen(Consumer<List<Region>> onSnapshot, Consumer<Throwable> onError) {
      listens.incrementAndGet();
      listener = onSnapshot;
      return () -> listener = null;
    }

    /** Stores a change without telling the listener (a stalled stream). */
    void storeSilently(RegionStatus eu) {
      stored.set(regions(eu));
    }

    /** Stores a change and delivers it through the listener. */
    void push(RegionStatus eu) {
      storeSilently(eu);
      listener.accept(stored.get());
    }
  }

  private static RegionView view(FakeSource source, Duration staleAfter) {
    return new RegionView(source, DEFINITIONS, staleAfter, Duration.ofSeconds(30));
  }

  private static RegionStatus eu(RegionView view) {
    return view.current().regions().get(0).health().status();
  }

  @Test
  void changesArriveThroughTheListenerWithoutReads() {
    FakeSource source = new FakeSource(regions(RegionStatus.HEALTHY));
    try (RegionView view = view(source, Duration.ofMinutes(5))) {
      assertEquals(RegionStatus.HEALTHY, eu(view));
      long generation = view.current().generation();
      for (int i = 0; i < 10_000; i++) {
        assertEquals(3, view.current().regions().size());
      }
      source.push(RegionStatus.UNHEALTHY);
      assertEquals(RegionStatus.UNHEALTHY, eu(view));
      assertEquals(generation + 1, view.current().generation(), "a status change is a generation");
      assertEquals(1, source.loads.get(), "one read at the cold start, then only the listener");
      assertEquals(1, source.listens.get());
    }
  }

  @Test
  void aStalledStreamFallsBackToOneReadAndListensAgain() throws Exception {
    FakeSource source = new FakeSource(regions(RegionStatus.HEALTHY));
    try (RegionView view = view(source, Duration.ofMillis(300))) {
      assertEquals(RegionStatus.HEALTHY, eu(view));
      source.storeSilently(RegionStatus.UNHEALTHY); // the stream delivers nothing
      assertEquals(RegionStatus.HEALTHY, eu(view), "within the bound the view trusts the stream");
      Thread.sleep(400); // no snapshot and no heartbeat for longer than the bound
      assertEquals(RegionStatus.UNHEALTHY, eu(view), "the request read the regions itself");
      assertEquals(2, source.loads.get());
      assertEquals(2, source.listens.get(), "the stalled listener was replaced");
      assertEquals(RegionStatus.UNHEALTHY, eu(view));
      assertEquals(2, source.loads.get(), "one fallback read per stale period, not per request");
    }
  }

  @Test
  void aFailedReadKeepsServingTheLastView() throws Exception {
    FakeSource source = new FakeSource(regions(RegionStatus.DEGRADED));
    try (RegionView view = view(source, Duration.ofMillis(100))) {
      view.current();
      source.broken.set(true);
      Thread.sleep(300);
      RegionView.Snapshot s = view.current();
      assertTrue(source.loads.get() >= 2, "the stale view tried to read");
      assertTrue(s.fromFirestore());
      assertEquals(RegionStatus.DEGRADED, s.regions().get(0).health().status());
    }
  }

  @Test
  void coldStartWithoutFirestoreAnswersFromTheConfiguredRegions() {
    FakeSource source = new FakeSource(regions(RegionStatus.DEGRADED));
    source.broken.set(true);
    try (RegionView view = view(source, Duration.ofMinutes(5))) {
      RegionView.Snapshot s = view.current();
      assertFalse(s.fromFirestore());
      assertEquals(List.of("EU", "US", "ASIA"), s.regions().stream().map(Region::id).toList());
      assertTrue(s.regions().stream().allMatch(r -> r.health().status() == RegionStatus.HEALTHY));
      source.broken.set(false);
      source.push(RegionStatus.DEGRADED); // Firestore is back: the listener's first snapshot
      assertTrue(view.current().fromFirestore());
      assertEquals(RegionStatus.DEGRADED, eu(view));
    }
  }
}
