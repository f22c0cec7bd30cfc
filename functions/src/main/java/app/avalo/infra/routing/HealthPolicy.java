package app.avalo.infra.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The hysteresis that turns probe results into a health status, so one lost packet does not move
 * traffic and one lucky answer does not bring it back:
 *
 * <ul>
 *   <li>{@code failuresToUnhealthy} consecutive failures (default 3) make a region unhealthy;
 *   <li>an unhealthy region needs {@code successesToHealthy} consecutive successes (default 2) to
 *       come back; the outage's failures are then dropped from the window, so it comes back healthy
 *       (or degraded if it is slow), not degraded for the failures that made it unhealthy;
 *   <li>a region that answers is degraded when the median latency of the window's successful checks
 *       exceeds {@code degradedLatencyMs} (with at least three samples), or when at least {@code
 *       intermittentFailures} of the window's checks failed without a streak long enough to make it
 *       unhealthy; it is healthy again once neither holds and it has {@code successesToHealthy}
 *       successes in a row;
 *   <li>recovery is not the same as intermittent errors: when {@code successesToHealthy} successes
 *       in a row follow a <em>streak</em> of failures (two or more in a row: a short outage), that
 *       streak is forgiven and dropped from the window, as an unhealthy region's outage is, so a
 *       region that was briefly down is healthy two probes after it answers again instead of
 *       staying degraded until its failures age out of the window. Isolated failures (one at a time
 *       between successes) are never forgiven: they are what "intermittent" means.
 * </ul>
 *
 * Pure: no I/O, no clock; {@link RegionHealthRun} feeds it and persists what it returns.
 */
public final class HealthPolicy {
  static final int MIN_LATENCY_SAMPLES = 3;

  private final int failuresToUnhealthy;
  private final int successesToHealthy;
  private final long degradedLatencyMs;
  private final int window;
  private final int intermittentFailures;

  public HealthPolicy(
      int failuresToUnhealthy,
      int successesToHealthy,
      long degradedLatencyMs,
      int window,
      int intermittentFailures) {
    this.failuresToUnhealthy = failuresToUnhealthy;
    this.successesToHealthy = successesToHealthy;
    this.degradedLatencyMs = degradedLatencyMs;
    this.window = window;
    this.intermittentFailures = intermittentFailures;
  }

  static HealthPolicy of(RoutingConfig config) {
    return new HealthPolicy(
        config.failuresToUnhealthy(),
        config.successesToHealthy(),
        config.degradedLatencyMs(),
        config.healthWindow(),
        config.intermittentFailures());
  }

  /** The state after one more check. */
  public HealthState apply(HealthState state, HealthCheck check) {
    List<HealthCheck> recent = new ArrayList<>(state.recent());
    recent.add(check);
    while (recent.size() > window) {
      recent.remove(0);
    }
    if (!check.ok()) {
      int failures = state.consecutiveFailures() + 1;
      RegionStatus status = state.status();
      if (failures >= failuresToUnhealthy) {
        status = RegionStatus.UNHEALTHY;
      } else if (status != RegionStatus.UNHEALTHY && degraded(recent)) {
        status = RegionStatus.DEGRADED;
      }
      return new HealthState(status, failures, 0, recent);
    }
    int successes = state.consecutiveSuccesses() + 1;
    if (state.status() == RegionStatus.UNHEALTHY) {
      if (successes < successesToHealthy) {
        return new HealthState(RegionStatus.UNHEALTHY, 0, successes, recent);
      }
      List<HealthCheck> sinceRecovery =
          recent.subList(Math.max(0, recent.size() - successes), recent.size());
      RegionStatus status = degraded(sinceRecovery) ? RegionStatus.DEGRADED : RegionStatus.HEALTHY;
      return new HealthState(status, 0, successes, sinceRecovery);
    }
    if (successes == successesToHealthy) {
      recent = forgiveOutage(recent, successes);
    }
    RegionStatus status;
    if (degraded(recent)) {
      status = RegionStatus.DEGRADED;
    } else if (state.status() == RegionStatus.DEGRADED && successes < successesToHealthy) {
      status = RegionStatus.DEGRADED;
    } else {
      status = RegionStatus.HEALTHY;
    }
    return new HealthState(status, 0, successes, recent);
  }

  /**
   * Why a region in this state is degraded (or unhealthy), for events and alerts; null when
   * healthy.
   */
  String explain(HealthState state) {
    HealthCheck last = state.last();
    return switch (state.status()) {
      case UNHEALTHY ->
          state.consecutiveFailures()
              + " consecutive failed health checks"
              + (last != null && last.error() != null ? " (last: " + last.error() + ")" : "");
      case DEGRADED ->
          slow(state.recent())
              ? "median latency "
                  + state.medianLatencyMs()
                  + " ms over the last "
                  + state.latencySamples()
                  + " checks exceeds "
                  + degradedLatencyMs
                  + " ms"
              : state.failuresInWindow()
                  + " of the last "
                  + state.recent().size()
                  + " health checks failed";
      default -> null;
    };
  }

  /**
   * The window without the failure streak (two or more in a row) that ended just before the last
   * {@code successes} checks; unchanged when the failures before them were a single one.
   */
  static List<HealthCheck> forgiveOutage(List<HealthCheck> recent, int successes) {
    int end = recent.size() - successes;
    int start = end;
    while (start > 0 && !recent.get(start - 1).ok()) {
      start--;
    }
    if (end - start < 2) {
      return recent;
    }
    List<HealthCheck> kept = new ArrayList<>(recent.subList(0, start));
    kept.addAll(recent.subList(end, recent.size()));
    return kept;
  }

  private boolean degraded(List<HealthCheck> recent) {
    return slow(recent) || recent.stream().filter(c -> !c.ok()).count() >= intermittentFailures;
  }

  private boolean slow(List<HealthCheck> recent) {
    HealthState probe = new HealthState(RegionStatus.HEALTHY, 0, 0, recent);
    Long median = probe.medianLatencyMs();
    return median != null
        && probe.latencySamples() >= MIN_LATENCY_SAMPLES
        && median > degradedLatencyMs;
  }
}
