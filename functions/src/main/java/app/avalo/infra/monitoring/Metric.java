package app.avalo.infra.monitoring;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a threshold watches and history charts: a statistic of one service's minute buckets. */
@SuppressWarnings("ImmutableEnumChecker") // statistics is a List.of, unmodifiable
public enum Metric {
  /** The measured latency; thresholds compare a percentile (p95 by default). */
  LATENCY(
      "latency",
      Statistic.P95,
      List.of(Statistic.P50, Statistic.P95, Statistic.P99, Statistic.MEAN)),
  /** Video packet loss in percent; p95 by default. */
  PACKET_LOSS(
      "packetLoss",
      Statistic.P95,
      List.of(Statistic.P50, Statistic.P95, Statistic.P99, Statistic.MEAN)),
  /** Failed samples over all samples (0.002 = 0.2 %). */
  FAILURE_RATE("failureRate", Statistic.ERROR_RATE, List.of(Statistic.ERROR_RATE));

  private final String wire;
  private final Statistic defaultStatistic;
  private final List<Statistic> statistics;

  Metric(String wire, Statistic defaultStatistic, List<Statistic> statistics) {
    this.wire = wire;
    this.defaultStatistic = defaultStatistic;
    this.statistics = statistics;
  }

  public String wire() {
    return wire;
  }

  public Statistic defaultStatistic() {
    return defaultStatistic;
  }

  /** The statistics a threshold on this metric may use. */
  public List<Statistic> statistics() {
    return statistics;
  }

  public static Optional<Metric> byWire(String wire) {
    return Arrays.stream(values()).filter(m -> m.wire.equals(wire)).findFirst();
  }
}
