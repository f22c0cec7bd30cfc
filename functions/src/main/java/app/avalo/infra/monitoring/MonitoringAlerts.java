package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Every alert the monitoring domain raises ({@code systemAlerts}, source {@code monitoring}):
 *
 * <ul>
 *   <li>{@code <service>:<metric>} — a threshold breached, at the threshold's severity; refreshed
 *       while it lasts, resolved after {@code recoveryWindows} healthy windows or when the
 *       threshold is disabled;
 *   <li>{@code thresholds:<document>} — a threshold document that does not parse (warning);
 *       resolved once it is valid again or removed.
 * </ul>
 */
final class MonitoringAlerts {
  static final String SOURCE = "monitoring";
  static final String BY = "monitoring (auto-resolve)";

  private final Alerts alerts;
  private final Duration window;

  MonitoringAlerts(Alerts alerts, Duration window) {
    this.alerts = alerts;
    this.window = window;
  }

  static String configKey(String documentId) {
    return "thresholds:" + documentId;
  }

  /** The threshold's value was over the line in the window. */
  void breached(
      ThresholdRule rule, double value, BucketStats stats, Instant windowStart, Instant windowEnd) {
    alerts.raise(
        SOURCE,
        rule.key(),
        rule.severity(),
        message(rule, value, stats),
        DocWriter.create()
            .field("service", rule.service().wire())
            .field("metric", rule.metric().wire())
            .field("statistic", rule.statistic().wire())
            .fieldOrNull("value", HealthSummary.number(value))
            .field("threshold", rule.threshold())
            .field(
                "unit",
                rule.statistic() == Statistic.ERROR_RATE
                    ? "ratio"
                    : rule.service().measure().unit())
            .field("samples", stats.count())
            .field("errors", stats.errors())
            .field("windowStart", windowStart.toString())
            .field("windowEnd", windowEnd.toString())
            .map());
  }

  /** {@code streak} healthy windows in a row: the open alert is over. */
  void recovered(ThresholdRule rule, int streak) {
    alerts.resolve(
        SOURCE,
        rule.key(),
        BY,
        "healthy for " + streak + " consecutive windows of " + window.toMinutes() + " min");
  }

  void disabled(ThresholdRule rule) {
    alerts.resolve(SOURCE, rule.key(), BY, "threshold disabled");
  }

  /** A threshold document is not evaluated because it does not parse. */
  void invalidThreshold(String documentId, String reason) {
    alerts.raise(
        SOURCE,
        configKey(documentId),
        Alerts.Severity.WARNING,
        "threshold document monitoringThresholds/"
            + documentId
            + " is invalid and is not evaluated: "
            + reason,
        DocWriter.create().field("document", documentId).field("reason", reason).map());
  }

  void thresholdValidAgain(String documentId) {
    alerts.resolve(
        SOURCE, configKey(documentId), BY, "threshold document is valid again (or removed)");
  }

  private String message(ThresholdRule rule, double value, BucketStats stats) {
    Measure measure = rule.service().measure();
    String shown =
        rule.statistic() == Statistic.ERROR_RATE
            ? String.format(
                Locale.ROOT, "%.3f %% (threshold %.3f %%)", value * 100, rule.threshold() * 100)
            : String.format(
                Locale.ROOT,
                "%.1f %s (threshold %s %s)",
                value,
                measure.unit(),
                plain(rule.threshold()),
                measure.unit());
    return String.format(
        Locale.ROOT,
        "%s %s %s is %s over the last %d min (%d samples)",
        rule.service().wire(),
        rule.metric().wire(),
        rule.statistic().wire(),
        shown,
        window.toMinutes(),
        stats.count());
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
