package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Fields;
import java.time.Duration;
import java.time.Instant;

/** One validated report from a service's metrics exporter. */
public record MetricSample(
    LogicalService service, double cpu, double memory, double rps, long instances, Instant at) {
  static final Duration MAX_AGE = Duration.ofHours(1);
  static final Duration MAX_SKEW = Duration.ofMinutes(1);

  /**
   * An {@code updateMetrics} body {@code {service, cpu 0-1, memory 0-1, rps, instances, at?}};
   * {@code at} (default {@code now}) at most an hour old and a minute ahead of {@code now}.
   */
  static MetricSample read(Fields data, Instant now) {
    LogicalService service = data.enumValue("service", LogicalService.class);
    double cpu = data.doubleValue("cpu", 0, 1);
    double memory = data.doubleValue("memory", 0, 1);
    double rps = data.doubleValue("rps", 0, 10_000_000);
    long instances = data.longValue("instances", 0, ScalingRule.INSTANCE_LIMIT);
    Instant at = data.optionalInstant("at").orElse(now);
    data.done();
    if (at.isAfter(now.plus(MAX_SKEW))) {
      throw ApiException.invalidArgument("at", "is in the future");
    }
    if (at.isBefore(now.minus(MAX_AGE))) {
      throw ApiException.invalidArgument(
          "at", "is more than " + MAX_AGE.toMinutes() + " minutes old");
    }
    return new MetricSample(service, cpu, memory, rps, instances, at);
  }
}
