package app.avalo.infra.monitoring;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One value of one exported series: a metric for a service (and region, where the bucket has one)
 * over the minute ending at {@code end}. Points of one minute are sorted by {@link #ORDER} so a
 * minute split over several calls always splits the same way (the checkpoint counts points done).
 *
 * @param region null when the bucket is not per region
 */
record ExportPoint(
    ExportedMetric metric, MonitoredService service, String region, Instant end, Value value) {
  static final Comparator<ExportPoint> ORDER =
      Comparator.comparing(ExportPoint::metric)
          .thenComparing(ExportPoint::service)
          .thenComparing(p -> p.region() == null ? "" : p.region());

  ExportPoint {
    Objects.requireNonNull(metric);
    Objects.requireNonNull(service);
    Objects.requireNonNull(end);
    Objects.requireNonNull(value);
  }

  /** A point's value, matching its metric's kind. */
  sealed interface Value {}

  record Count(long value) implements Value {}

  record Ratio(double value) implements Value {}

  /** The minute's histogram of a measure, counts indexed as {@link LogHistogram}'s buckets. */
  record Histogram(Measure measure, BucketStats stats) implements Value {}
}
