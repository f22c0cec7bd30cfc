package app.avalo.infra.routing;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code regionHealth} checks in the region it runs in: the dependency every routed service
 * has here, Firestore, by reading this region's own document within a short deadline (below the
 * probes' timeout, so a slow Firestore is a clear 503, not a hung probe). Thread-safe, no state.
 */
final class RegionHealthProbe {
  /**
   * The answer: {@code ok} (200) or {@code failing} (503), with each dependency's check.
   *
   * @param status {@code ok} or {@code failing}
   */
  record Answer(String region, String status, Instant at, Map<String, Check> checks)
      implements ApiFunction.ProbeAnswer {
    @Override
    public int httpStatus() {
      return "ok".equals(status) ? 200 : 503;
    }
  }

  /** One dependency: did it answer in time, how fast, and why not. */
  record Check(boolean ok, long latencyMs, String error) {}

  private final RegionStore regions;
  private final Clock clock;
  private final String region;
  private final Duration timeout;

  RegionHealthProbe(RegionStore regions, Clock clock, String region, Duration timeout) {
    this.regions = regions;
    this.clock = clock;
    this.region = region;
    this.timeout = timeout;
  }

  Answer check() {
    long started = System.nanoTime();
    String error = null;
    try {
      // The answer matters, not the document: before initializeRegions it does not exist yet.
      regions.readWithin(region, timeout);
    } catch (TimeoutException e) {
      error = "firestore read timed out after " + timeout.toMillis() + " ms";
    } catch (RuntimeException e) {
      // An unreachable Firestore is the answer this function exists to give, not a crash.
      error = "firestore read failed: " + e.getClass().getSimpleName();
      Log.warn(
          "regionHealth: firestore read failed",
          Map.of("region", region, "exception", e.toString()));
    }
    long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Check firestore = new Check(error == null, latency, error);
    return new Answer(
        region, error == null ? "ok" : "failing", clock.instant(), Map.of("firestore", firestore));
  }
}
