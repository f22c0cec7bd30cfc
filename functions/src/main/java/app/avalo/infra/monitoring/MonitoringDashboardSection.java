package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring part of the admin overview: the current system health and the open alerts of every
 * source (two reads: the health summary and one alert query).
 */
final class MonitoringDashboardSection implements DashboardSection {
  static final int TOP_ALERTS = 20;

  private final Platform platform;
  private final MonitoringModule module;

  MonitoringDashboardSection(Platform platform, MonitoringModule module) {
    this.platform = platform;
    this.module = module;
  }

  /** The most severe open alerts ({@code more}: others are open too), counted by severity. */
  record OpenAlerts(
      int shown, boolean more, Map<String, Long> bySeverity, List<AlertBoard.Alert> items) {}

  record Snapshot(SystemHealth health, OpenAlerts openAlerts) {}

  @Override
  public Snapshot snapshot() {
    AlertBoard.OpenAlerts open = module.alertBoard().open(null, TOP_ALERTS);
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    open.alerts().forEach(a -> bySeverity.merge(a.severity(), 1L, Long::sum));
    return new Snapshot(
        module.systemHealth(platform.clock().instant()),
        new OpenAlerts(open.alerts().size(), open.truncated(), bySeverity, open.alerts()));
  }
}
