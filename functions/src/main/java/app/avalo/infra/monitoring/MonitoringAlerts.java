package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Alerts.AlsoWrite;
import app.avalo.infra.platform.DocWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Every alert the monitoring domain raises ({@code systemAlerts}, source {@code monitoring}):
 *
 * <ul>
 *   <li>{@code <service>:<metric>} — a threshold breached for its pending period, at the
 *       threshold's severity; refreshed while it lasts, resolved after {@code recoveryWindows}
 *       healthy windows or when the threshold is disabled;
 *   <li>{@code <service>:nodata} — a service expected to have traffic had none for {@code
 *       noDataWindows} windows in a row (critical if the service has a critical threshold, else
 *       warning); resolved by the first window with samples;
 *   <li>{@code thresholds:<document>} — a threshold document that does not parse (warning);
 *       resolved once it is valid again or removed.
 * </ul>
 *
 * Threshold and NoData alerts commit their rule's state with them ({@link AlsoWrite}): an alert is
 * open exactly when its state says it fires, whatever fails afterwards.
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

  static String noDataKey(MonitoredService service) {
    return service.wire() + ":nodata";
  }

  /** The threshold's value was over the line for {@code breachWindows} windows in a row. */
  void breached(
      ThresholdRule rule,
      ThresholdDecision decision,
      BucketStats stats,
      int breachWindows,
      Instant windowStart,
      Instant windowEnd,
      AlsoWrite state) {
    alerts.raise(
        SOURCE,
        rule.key(),
        rule.severity(),
        message(rule, decision, stats),
        DocWriter.create()
            .field("service", rule.service().wire())
            .field("metric", rule.metric().wire())
            .field("statistic", rule.statistic().wire())
            .fieldOrNull("value", HealthSummary.number(decision.value()))
            .field("threshold", rule.threshold())
            .field("unit", unit(rule))
            .field("severity", rule.severity().wire())
            .field("decision", decision.method())
            .fieldOrNull(
                "aboveShare",
                decision.aboveShare() == null ? null : HealthSummary.number(decision.aboveShare()))
            .fieldOrNull("region", decision.region())
            .fieldOrNull(
                "regionShare",
                decision.regionShare() == null
                    ? null
                    : HealthSummary.number(decision.regionShare()))
            .field("samples", stats.count())
            .field("errors", stats.errors())
            .field("forWindows", (long) rule.forWindows())
            .field("breachWindows", (long) breachWindows)
            .field("windowStart", windowStart.toString())
            .field("windowEnd", windowEnd.toString())
            .map(),
        state);
  }

  /** {@code streak} healthy windows in a row: the open alert is over. */
  void recovered(ThresholdRule rule, int streak, AlsoWrite state) {
    alerts.resolve(
        SOURCE,
        rule.key(),
        BY,
        "healthy for " + streak + " consecutive windows of " + window.toMinutes() + " min",
        state);
  }

  void disabled(ThresholdRule rule, AlsoWrite state) {
    alerts.resolve(SOURCE, rule.key(), BY, "threshold disabled", state);
  }

  /** A service that had traffic has had no samples for {@code emptyWindows} windows. */
  void noData(
      MonitoredService service,
      Alerts.Severity severity,
      int emptyWindows,
      int expectedWindows,
      Instant windowStart,
      Instant windowEnd,
      AlsoWrite state) {
    alerts.raise(
        SOURCE,
        noDataKey(service),
        severity,
        String.format(
            Locale.ROOT,
            "%s has reported no samples for %d consecutive windows of %d min (alerting after %d):"
                + " a total outage, or its backends stopped reporting",
            service.wire(),
            emptyWindows,
            window.toMinutes(),
            expectedWindows),
        DocWriter.create()
            .field("service", service.wire())
            .field("metric", "noData")
            .field("value", (long) emptyWindows)
            .field("threshold", (long) expectedWindows)
            .field("unit", "empty windows")
            .field("severity", severity.wire())
            .field("samples", 0L)
            .field("windowStart", windowStart.toString())
            .field("windowEnd", windowEnd.toString())
            .map(),
        state);
  }

  void dataBack(MonitoredService service, long samples, AlsoWrite state) {
    alerts.resolve(
        SOURCE, noDataKey(service), BY, "samples are back (" + samples + " in the window)", state);
  }

  void noDataOff(MonitoredService service, AlsoWrite state) {
    alerts.resolve(SOURCE, noDataKey(service), BY, "no traffic is expected any more", state);
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

  private static String unit(ThresholdRule rule) {
    return rule.statistic() == Statistic.ERROR_RATE ? "ratio" : rule.service().measure().unit();
  }

  private String message(ThresholdRule rule, ThresholdDecision decision, BucketStats stats) {
    Measure measure = rule.service().measure();
    double value = decision.value();
    String shown;
    if (rule.statistic() == Statistic.ERROR_RATE) {
      shown =
          String.format(
              Locale.ROOT, "%.3f %% (threshold %.3f %%)", value * 100, rule.threshold() * 100);
    } else if (decision.exact() && decision.above() != null && rule.statistic() != Statistic.MEAN) {
      // The decision is the exact count; the value is the histogram's estimate (±4.88 %).
      shown =
          String.format(
              Locale.ROOT,
              "above %s %s (%.2f %% of samples above it; estimate %.1f %s)",
              plain(rule.threshold()),
              measure.unit(),
              decision.aboveShare() * 100,
              value,
              measure.unit());
    } else {
      shown =
          String.format(
              Locale.ROOT,
              "%.1f %s (threshold %s %s%s)",
              value,
              measure.unit(),
              plain(rule.threshold()),
              measure.unit(),
              decision.exact() ? "" : ", histogram estimate");
    }
    return String.format(
        Locale.ROOT,
        "%s %s %s is %s over the last %d min (%d samples)%s",
        rule.service().wire(),
        rule.metric().wire(),
        rule.statistic().wire(),
        shown,
        window.toMinutes(),
        stats.count(),
        decision.region() == null
            ? ""
            : String.format(
                Locale.ROOT,
                "; %.0f %% of the bad samples from region %s",
                decision.regionShare() * 100,
                decision.region()));
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
