package app.avalo.infra.monitoring;

import app.avalo.infra.platform.WireEnum;
import java.util.List;
import java.util.Optional;

/** The services the app's backends report samples for, each with one measured quantity. */
@SuppressWarnings("ImmutableEnumChecker") // metrics is a List.of, unmodifiable
public enum MonitoredService implements WireEnum {
  CHAT("chat", Measure.LATENCY, false, List.of(Metric.LATENCY)),
  WALLET("wallet", Measure.LATENCY, true, List.of(Metric.LATENCY, Metric.FAILURE_RATE)),
  EVENT_CHECKOUT("event-checkout", Measure.LATENCY, false, List.of(Metric.LATENCY)),
  AI("ai", Measure.LATENCY, false, List.of(Metric.LATENCY)),
  VIDEO("video", Measure.PACKET_LOSS, false, List.of(Metric.PACKET_LOSS)),
  PANIC_BUTTON("panic-button", Measure.LATENCY, false, List.of(Metric.LATENCY));

  private final String wire;
  private final Measure measure;
  private final boolean successRequired;
  private final List<Metric> metrics;

  MonitoredService(String wire, Measure measure, boolean successRequired, List<Metric> metrics) {
    this.wire = wire;
    this.measure = measure;
    this.successRequired = successRequired;
    this.metrics = metrics;
  }

  @Override
  public String wire() {
    return wire;
  }

  public Measure measure() {
    return measure;
  }

  /**
   * Whether each sample must say {@code success}: the wallet's failure rate is an alerting metric,
   * so a sample silently counted as a success would hide failures.
   */
  public boolean successRequired() {
    return successRequired;
  }

  /** The metrics that thresholds and history exist for. */
  public List<Metric> metrics() {
    return metrics;
  }

  public static Optional<MonitoredService> byWire(String wire) {
    return WireEnum.parse(MonitoredService.class, wire);
  }
}
