package app.avalo.infra.monitoring;

import app.avalo.infra.cdn.CdnDashboardSection;
import app.avalo.infra.cost.CostDashboardSection;
import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.recovery.RecoveryDashboardSection;
import app.avalo.infra.routing.RoutingDashboardSection;
import app.avalo.infra.scaling.ScalingDashboardSection;
import java.util.List;

/**
 * The sections {@code getDashboardData} shows, in display order. Each domain contributes one {@link
 * DashboardSection}; a section that fails shows as unavailable instead of failing the dashboard.
 */
public final class DashboardSections {
  private DashboardSections() {}

  public static List<DashboardSection> all() {
    return List.of(
        new MonitoringDashboardSection(),
        new RoutingDashboardSection(),
        new ScalingDashboardSection(),
        new CdnDashboardSection(),
        new CostDashboardSection(),
        new RecoveryDashboardSection());
  }
}
