package app.avalo.infra.cdn;

import app.avalo.infra.platform.DashboardSection;

/** The CDN's part of the admin overview: the latest metrics snapshot (one document read). */
final class CdnDashboardSection implements DashboardSection {
  private final CdnMetrics metrics;

  CdnDashboardSection(CdnMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public CdnOverview snapshot() {
    return metrics.overview();
  }
}
