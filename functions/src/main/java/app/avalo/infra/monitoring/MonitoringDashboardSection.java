package app.avalo.infra.monitoring;

import app.avalo.infra.platform.DashboardSection;
import app.avalo.infra.platform.Platform;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitoring part of the admin overview: the current system health and the open alerts of every
 * source (two reads: the health summary and one alert query).
 */
final class MonitoringDashboardSection implements DashboardSection {
  private final Platform platform;
  private final MonitoringModule module;

  MonitoringDashboardSection(Platform platform, MonitoringModule module) {
    this.platform = platform;
    this.module = module;
  }

  static final int TOP_ALERTS = 20;

  @Override
  public Object snapshot() {
    AlertBoard.OpenAlerts open = module.alertBoard().open(null, TOP_ALERTS);
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    open.alerts().forEach(a -> bySeverity.merge(a.severity(), 1L, Long::sum));
    Map<String, Object> alerts = new LinkedHashMap<>();
    alerts.put("shown", open.alerts().size());
    alerts.put("more", open.truncated());
    alerts.put("bySeverity", bySeverity);
    alerts.put("items", open.alerts());
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("health", SystemHealth.current(module.healthStore(), platform.clock().instant()));
    snapshot.put("openAlerts", alerts);
    return snapshot;
  }
}
