package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts.Severity;
import java.util.List;

/**
 * One alerting threshold: the metric of a service breaches when {@code statistic} over the window
 * is above {@code threshold}. Windows with fewer than {@code minSamples} samples count neither way;
 * a breach alerts once {@code forWindows} consecutive windows breached (the pending period, 1 = at
 * once); an open alert resolves after {@code recoveryWindows} consecutive healthy windows. {@code
 * noDataWindows} > 0 says traffic is expected: a service that had samples and then has none for
 * that many consecutive windows raises its NoData alert (0 = off).
 */
public record ThresholdRule(
    MonitoredService service,
    Metric metric,
    Statistic statistic,
    double threshold,
    Severity severity,
    int minSamples,
    int recoveryWindows,
    int forWindows,
    int noDataWindows,
    boolean enabled) {

  /** Whether samples are counted against this threshold when recorded (the exact counters). */
  boolean countsSamples() {
    return enabled && metric != Metric.FAILURE_RATE;
  }

  /** The alert key within source {@code monitoring}, e.g. {@code wallet:failureRate}. */
  public String key() {
    return key(service, metric);
  }

  public static String key(MonitoredService service, Metric metric) {
    return service.wire() + ":" + metric.wire();
  }

  /** The document id in {@code monitoringThresholds}, e.g. {@code wallet~failureRate}. */
  public static String docId(MonitoredService service, Metric metric) {
    return service.wire() + "~" + metric.wire();
  }

  /**
   * A default rule's fields; {@code minSamples} 0 means "use the configured default"; {@code
   * noDataWindows} 0 means no traffic is expected.
   */
  record Default(
      MonitoredService service,
      Metric metric,
      double threshold,
      Severity severity,
      int minSamples,
      int noDataWindows) {}

  /**
   * How many empty windows in a row raise NoData for chat and wallet, whose traffic never stops:
   * with the 5-minute window, 7 minutes without a sample.
   */
  static final int DEFAULT_NO_DATA_WINDOWS = 3;

  /**
   * SPEC §5.6. The failure-rate rule needs 500 samples: below that a single failure is already
   * above 0.2 % and would page someone for noise. Chat and wallet always have traffic, so silence
   * there is an outage (NoData); the other services may be quiet at night.
   */
  static final List<Default> DEFAULTS =
      List.of(
          new Default(
              MonitoredService.CHAT,
              Metric.LATENCY,
              400,
              Severity.CRITICAL,
              0,
              DEFAULT_NO_DATA_WINDOWS),
          new Default(
              MonitoredService.WALLET,
              Metric.LATENCY,
              400,
              Severity.CRITICAL,
              0,
              DEFAULT_NO_DATA_WINDOWS),
          new Default(
              MonitoredService.WALLET, Metric.FAILURE_RATE, 0.002, Severity.CRITICAL, 500, 0),
          new Default(MonitoredService.EVENT_CHECKOUT, Metric.LATENCY, 400, Severity.WARNING, 0, 0),
          new Default(MonitoredService.AI, Metric.LATENCY, 400, Severity.WARNING, 0, 0),
          new Default(MonitoredService.VIDEO, Metric.PACKET_LOSS, 2, Severity.WARNING, 0, 0),
          new Default(MonitoredService.PANIC_BUTTON, Metric.LATENCY, 100, Severity.CRITICAL, 0, 0));
}
