package app.avalo.infra.monitoring;

import java.util.Arrays;
import java.util.Optional;

/** A number derived from aggregated samples ({@link BucketStats}). */
public enum Statistic {
  P50("p50"),
  P95("p95"),
  P99("p99"),
  MEAN("mean"),
  ERROR_RATE("errorRate");

  private final String wire;

  Statistic(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The statistic of {@code stats} for {@code measure}; NaN when there are no samples. */
  public double of(BucketStats stats, Measure measure) {
    return switch (this) {
      case P50 -> stats.quantile(0.50, measure);
      case P95 -> stats.quantile(0.95, measure);
      case P99 -> stats.quantile(0.99, measure);
      case MEAN -> stats.mean();
      case ERROR_RATE -> stats.errorRate();
    };
  }

  public static Optional<Statistic> byWire(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
  }
}
