package app.avalo.infra.routing;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.time.Instant;
import java.util.Map;

/**
 * The regions part of {@code getDashboardData}: each region's status and latency (admin detail),
 * the last region events and any running failover operation. Three reads.
 */
final class RoutingDashboardSection implements DashboardSection {
  private final Platform platform;
  private final RoutingModule module;

  RoutingDashboardSection(Platform platform, RoutingModule module) {
    this.platform = platform;
    this.module = module;
  }

  static final int EVENTS = 10;

  @Override
  public Object snapshot() {
    Instant now = platform.clock().instant();
    return Map.of(
        "regions",
            module.regions().loadAll().stream().map(r -> RegionReport.adminView(r, now)).toList(),
        "recentEvents", module.regions().recentEvents(EVENTS),
        "runningFailovers", module.failover().running());
  }
}
