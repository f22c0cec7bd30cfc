package app.avalo.infra.monitoring;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.WireEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time series for the monitoring charts. Minute resolution reads sealed minutes (and the live
 * shards of the last few minutes) for ranges up to {@value #MAX_MINUTE_POINTS} minutes; hour
 * resolution reads hourly rollups (and sums minutes for hours not yet rolled up) for up to {@value
 * #MAX_HOUR_POINTS} hours. {@code auto} picks minutes for ranges up to {@link #AUTO_MINUTE_RANGE}.
 * Series are dense: every step is a point, empty ones with {@code samples: 0} and null statistics,
 * so charts show gaps as gaps.
 */
final class MetricsHistory {
  static final int MAX_MINUTE_POINTS = 1440;
  static final int MAX_HOUR_POINTS = 24 * 93;
  static final Duration AUTO_MINUTE_RANGE = Duration.ofHours(6);

  enum Resolution implements WireEnum {
    AUTO,
    MINUTE,
    HOUR;

    @Override
    public String wire() {
      return Fields.wireName(this);
    }
  }

  private final MetricReader reader;
  private final ThresholdStore thresholds;
  private final MonitoringConfig config;
  private final Clock clock;

  MetricsHistory(
      MetricReader reader, ThresholdStore thresholds, MonitoringConfig config, Clock clock) {
    this.reader = reader;
    this.thresholds = thresholds;
    this.config = config;
    this.clock = clock;
  }

  record Point(
      Instant t,
      long samples,
      long errors,
      Double errorRate,
      Double mean,
      Double p50,
      Double p95,
      Double p99,
      Double value) {}

  record Threshold(String statistic, double value, String severity, boolean enabled) {}

  /**
   * {@code unit} is the unit of each point's {@code value}; {@code measureUnit} that of
   * mean/p50/p95/p99.
   */
  record Series(
      String service,
      String metric,
      String unit,
      String measureUnit,
      String resolution,
      Instant from,
      Instant to,
      Threshold threshold,
      List<Point> points) {}

  /** A validated request; {@link #check} refuses ranges the chosen resolution cannot serve. */
  record Query(
      MonitoredService service, Metric metric, Instant from, Instant to, Resolution resolution) {
    /**
     * {@code {service, metric, from, to, resolution?}}; an unknown metric is INVALID_ARGUMENT
     * naming the service's metrics ({@code done()} is the caller's).
     */
    static Query read(Fields data) {
      MonitoredService service = data.enumValue("service", MonitoredService.class);
      String metricName = data.string("metric", 50);
      Metric metric =
          Metric.byWire(metricName)
              .orElseThrow(
                  () ->
                      ApiException.invalidArgument(
                          "metric",
                          "must be one of "
                              + service.metrics().stream().map(Metric::wire).toList()
                              + " for service "
                              + service.wire()));
      return new Query(
          service,
          metric,
          data.instant("from"),
          data.instant("to"),
          data.optionalEnum("resolution", Resolution.class).orElse(Resolution.AUTO));
    }
  }

  /** Picks the resolution and checks the range; throws INVALID_ARGUMENT naming the field. */
  Resolution check(Query q) {
    if (!q.service().metrics().contains(q.metric())) {
      throw ApiException.invalidArgument(
          "metric",
          "must be one of "
              + q.service().metrics().stream().map(Metric::wire).toList()
              + " for service "
              + q.service().wire());
    }
    if (!q.to().isAfter(q.from())) {
      throw ApiException.invalidArgument("to", "must be after from");
    }
    Duration range = Duration.between(q.from(), q.to());
    Resolution resolution =
        q.resolution() != Resolution.AUTO
            ? q.resolution()
            : range.compareTo(AUTO_MINUTE_RANGE) <= 0 ? Resolution.MINUTE : Resolution.HOUR;
    if (resolution == Resolution.MINUTE) {
      if (range.compareTo(Duration.ofMinutes(MAX_MINUTE_POINTS)) > 0) {
        throw ApiException.invalidArgument(
            "to",
            "minute resolution covers at most "
                + MAX_MINUTE_POINTS
                + " minutes; use resolution \"hour\" for longer ranges");
      }
      if (q.from().isBefore(clock.instant().minus(config.minuteRetention()))) {
        throw ApiException.invalidArgument(
            "from",
            "minute buckets are kept "
                + config.minuteRetention().toDays()
                + " days; use resolution \"hour\" for older data");
      }
    } else if (range.compareTo(Duration.ofHours(MAX_HOUR_POINTS)) > 0) {
      throw ApiException.invalidArgument(
          "to", "hour resolution covers at most " + MAX_HOUR_POINTS / 24 + " days");
    }
    return resolution;
  }

  Series series(Query q) {
    Resolution resolution = check(q);
    Duration step = resolution == Resolution.MINUTE ? Duration.ofMinutes(1) : Duration.ofHours(1);
    Instant from =
        resolution == Resolution.MINUTE ? BucketKey.minuteOf(q.from()) : BucketKey.hourOf(q.from());
    List<BucketKey> keys = new ArrayList<>();
    for (Instant t : BucketKey.steps(from, q.to(), step)) {
      keys.add(new BucketKey(q.service(), t));
    }
    Map<BucketKey, BucketStats> data =
        resolution == Resolution.MINUTE ? reader.minutes(keys) : reader.hours(keys);
    ThresholdRule rule = thresholds.rule(q.service(), q.metric());
    Measure measure = q.service().measure();
    List<Point> points = new ArrayList<>(keys.size());
    for (BucketKey key : keys) {
      BucketStats s = data.getOrDefault(key, BucketStats.EMPTY);
      points.add(
          new Point(
              key.start(),
              s.count(),
              s.errors(),
              HealthSummary.number(s.errorRate()),
              HealthSummary.number(s.mean()),
              HealthSummary.number(s.quantile(0.50, measure)),
              HealthSummary.number(s.quantile(0.95, measure)),
              HealthSummary.number(s.quantile(0.99, measure)),
              HealthSummary.number(rule.statistic().of(s, measure))));
    }
    String unit = q.metric() == Metric.FAILURE_RATE ? "ratio" : measure.unit();
    return new Series(
        q.service().wire(),
        q.metric().wire(),
        unit,
        measure.unit(),
        resolution.name().toLowerCase(Locale.ROOT),
        from,
        q.to(),
        new Threshold(
            rule.statistic().wire(), rule.threshold(), rule.severity().wire(), rule.enabled()),
        points);
  }
}
