package app.avalo.infra.routing;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocWriter;
import java.util.Map;

/**
 * Keeps the monitoring alert of a region ({@code systemAlerts}, source {@code routing}, key {@code
 * region:{id}}) in line with its health status: unhealthy raises it as critical, degraded as a
 * warning, healthy resolves it.
 */
final class RegionAlerts {
  static final String SOURCE = "routing";

  private final Alerts alerts;

  RegionAlerts(Alerts alerts) {
    this.alerts = alerts;
  }

  static String key(String regionId) {
    return "region:" + regionId;
  }

  void sync(Region region, HealthState state, String reason) {
    String name = region.definition().name() == null ? region.id() : region.definition().name();
    switch (state.status()) {
      case HEALTHY ->
          alerts.resolve(SOURCE, key(region.id()), "runHealthChecks", name + " is healthy again");
      case DEGRADED, UNHEALTHY -> {
        HealthCheck last = state.last();
        Map<String, Object> details =
            DocWriter.create()
                .fieldOrNull("regionId", region.id())
                .fieldOrNull("status", state.status())
                .fieldOrNull("consecutiveFailures", state.consecutiveFailures())
                .fieldOrNull("medianLatencyMs", state.medianLatencyMs())
                .fieldOrNull("lastError", last == null ? null : last.error())
                .map();
        Alerts.Severity severity =
            state.status() == RegionStatus.UNHEALTHY
                ? Alerts.Severity.CRITICAL
                : Alerts.Severity.WARNING;
        alerts.raise(
            SOURCE,
            key(region.id()),
            severity,
            name + " is " + state.status().wire() + ": " + reason,
            details);
      }
      default -> throw new IllegalArgumentException("not a health status: " + state.status());
    }
  }
}
