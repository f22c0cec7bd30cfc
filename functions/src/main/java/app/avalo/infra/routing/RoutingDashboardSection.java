package app.avalo.infra.routing;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import java.time.Instant;
import java.util.Map;

/**
 * The regions part of {@code getDashboardData}: each region's status and latency (admin detail),
 * the last region events and any running failover operation. Three reads.
 */
public final class RoutingDashboardSection implements DashboardSection {
  static final int EVENTS = 10;

  @Override
  public String name() {
    return "regions";
  }

  @Override
  public Object snapshot(App app) {
    RoutingModule routing = RoutingModule.of(app);
    Instant now = app.clock().instant();
    return Map.of(
        "regions",
            routing.regions().loadAll().stream().map(r -> RegionReport.adminView(r, now)).toList(),
        "recentEvents", routing.regions().recentEvents(EVENTS),
        "runningFailovers", routing.failover().running());
  }
}
