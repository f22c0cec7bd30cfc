package app.avalo.infra.scaling;

import app.avalo.infra.platform.Alerts;
import java.util.List;
import java.util.Map;

/**
 * Every monitoring alert the scaling domain raises ({@code systemAlerts}, source {@code scaling}),
 * all warnings: {@code rule-invalid:{service}} while an edited rule is unusable, {@code
 * actuation:{service}} while the decided bounds could not be applied, {@code viral:{service}} while
 * viral burst protection is on. Each is resolved when its cause is gone.
 */
final class ScalingAlerts {
  static final String SOURCE = "scaling";

  private final Alerts alerts;

  ScalingAlerts(Alerts alerts) {
    this.alerts = alerts;
  }

  void ruleInvalid(LogicalService service, String message, List<String> problems) {
    alerts.raise(
        SOURCE,
        "rule-invalid:" + service.id(),
        Alerts.Severity.WARNING,
        message,
        Map.of("service", service.id(), "problems", problems));
  }

  void ruleValidAgain(LogicalService service) {
    alerts.resolve(SOURCE, "rule-invalid:" + service.id(), "scaling", "rule is valid again");
  }

  void actuationFailed(LogicalService service, String errors, int targetMin, int targetMax) {
    alerts.raise(
        SOURCE,
        "actuation:" + service.id(),
        Alerts.Severity.WARNING,
        "could not apply scaling bounds to " + service.id() + ": " + errors,
        Map.of("service", service.id(), "targetMin", targetMin, "targetMax", targetMax));
  }

  void actuationRecovered(LogicalService service) {
    alerts.resolve(SOURCE, "actuation:" + service.id(), "scaling", "bounds applied");
  }

  void viralTraffic(
      LogicalService service, String message, double baselineRps, double sustainedRps) {
    alerts.raise(
        SOURCE,
        "viral:" + service.id(),
        Alerts.Severity.WARNING,
        message,
        Map.of("service", service.id(), "baselineRps", baselineRps, "sustainedRps", sustainedRps));
  }

  void viralTrafficOver(LogicalService service, String why) {
    alerts.resolve(SOURCE, "viral:" + service.id(), "detectViralTraffic", why);
  }
}
