package app.avalo.infra.scaling;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Takes the services' metric reports into the rolling window ({@code updateMetrics}). */
final class MetricsIntake {
  /** What {@code updateMetrics} answers: the sample's time and the minute bucket it went to. */
  record Receipt(String service, Instant at, Instant minute) {}

  private final ServiceMetricsStore metrics;

  MetricsIntake(ServiceMetricsStore metrics) {
    this.metrics = metrics;
  }

  Receipt accept(MetricSample sample) {
    metrics.record(sample);
    return new Receipt(
        sample.service().id(), sample.at(), sample.at().truncatedTo(ChronoUnit.MINUTES));
  }
}
