package app.avalo.infra.monitoring;

import app.avalo.infra.platform.App;
import app.avalo.infra.platform.DashboardSection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitoring part of the admin overview: the current system health and the open alerts of every
 * source (two reads: the health summary and one alert query).
 */
public final class MonitoringDashboardSection implements DashboardSection {
  static final int TOP_ALERTS = 20;

  @Override
  public String name() {
    return "monitoring";
  }

  @Override
  public Object snapshot(App app) {
    MonitoringModule monitoring = MonitoringModule.of(app);
    AlertBoard.OpenAlerts open = monitoring.alertBoard().open(null, TOP_ALERTS);
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    open.alerts().forEach(a -> bySeverity.merge(a.severity(), 1L, Long::sum));
    Map<String, Object> alerts = new LinkedHashMap<>();
    alerts.put("shown", open.alerts().size());
    alerts.put("more", open.truncated());
    alerts.put("bySeverity", bySeverity);
    alerts.put("items", open.alerts());
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("health", SystemHealth.current(monitoring.healthStore(), app.clock().instant()));
    snapshot.put("openAlerts", alerts);
    return snapshot;
  }
}
