package app.avalo.infra.routing;

import app.avalo.infra.platform.DashboardSection;

/**
 * The regions part of {@code getDashboardData}: each region's status and latency (admin detail),
 * the last region events and any running failover operation ({@link RegionReports#dashboard}).
 */
final class RoutingDashboardSection implements DashboardSection {
  private final RegionReports reports;

  RoutingDashboardSection(RegionReports reports) {
    this.reports = reports;
  }

  @Override
  public Object snapshot() {
    return reports.dashboard();
  }
}
