package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import java.util.List;

/**
 * The sections {@code getDashboardData} shows, in display order. Each domain contributes one
 * {@link DashboardSection}; a domain whose section is not registered in this build shows as
 * unavailable instead of failing the dashboard.
 */
public final class DashboardSections {
  private DashboardSections() {}

  public static List<DashboardSection> all() {
    return List.of(
        new MonitoringDashboardSection(),
        // ---- Registration points: replace each placeholder with the domain's section at merge. ----
        new app.avalo.infra.routing.RoutingDashboardSection(),
        new app.avalo.infra.scaling.ScalingDashboardSection(),
        new app.avalo.infra.cdn.CdnDashboardSection(),
        new app.avalo.infra.cost.CostDashboardSection(),
        // recovery: new app.avalo.infra.recovery.RecoveryDashboardSection()
        notRegistered("recovery"));
  }

  /** A placeholder for a domain whose section is not part of this build. */
  static DashboardSection notRegistered(String domain) {
    return new DashboardSection() {
      @Override
      public String name() {
        return domain;
      }

      @Override
      public Object snapshot(App app) {
        throw ApiException.unavailable("the " + domain + " section is not registered in this build");
      }
    };
  }
}
