package app.avalo.infra.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * What the health checks know about a region: its health status (never {@code DRAINING}), the
 * current streaks and the last few checks (the window the latency median and the intermittent-error
 * rule look at).
 */
public record HealthState(
    RegionStatus status,
    int consecutiveFailures,
    int consecutiveSuccesses,
    List<HealthCheck> recent) {

  public HealthState {
    recent = List.copyOf(recent);
  }

  static HealthState initial() {
    return new HealthState(RegionStatus.HEALTHY, 0, 0, List.of());
  }

  /** The same observations under another status (the quorum's verdict over this vantage's own). */
  HealthState withStatus(RegionStatus decided) {
    return new HealthState(decided, consecutiveFailures, consecutiveSuccesses, recent);
  }

  /** Median latency of the successful checks in the window, or null when there are none. */
  public Long medianLatencyMs() {
    List<Long> latencies = new ArrayList<>();
    for (HealthCheck c : recent) {
      if (c.ok() && c.latencyMs() != null) {
        latencies.add(c.latencyMs());
      }
    }
    if (latencies.isEmpty()) {
      return null;
    }
    latencies.sort(null);
    int n = latencies.size();
    return n % 2 == 1
        ? latencies.get(n / 2)
        : (latencies.get(n / 2 - 1) + latencies.get(n / 2)) / 2;
  }

  int latencySamples() {
    return (int) recent.stream().filter(c -> c.ok() && c.latencyMs() != null).count();
  }

  int failuresInWindow() {
    return (int) recent.stream().filter(c -> !c.ok()).count();
  }

  HealthCheck last() {
    return recent.isEmpty() ? null : recent.get(recent.size() - 1);
  }
}
