package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code updateMetrics} (private): a service's metrics exporter reports a whole-service snapshot
 * {@code {service, cpu 0-1, memory 0-1, rps, instances, at?}}, typically every 5-15 s. The sample
 * is added to its minute and hour buckets (two server-side increments, no document per sample); a
 * sample at most an hour old or a minute ahead of our clock is accepted.
 */
public final class UpdateMetrics extends ApiFunction {
  static final Duration MAX_AGE = Duration.ofHours(1);
  static final Duration MAX_SKEW = Duration.ofMinutes(1);

  private final Supplier<ScalingModule> scaling;

  public UpdateMetrics() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  UpdateMetrics(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    LogicalService service = data.enumValue("service", LogicalService.class);
    double cpu = data.doubleValue("cpu", 0, 1);
    double memory = data.doubleValue("memory", 0, 1);
    double rps = data.doubleValue("rps", 0, 10_000_000);
    long instances = data.longValue("instances", 0, ScalingRule.INSTANCE_LIMIT);
    Instant now = platform().clock().instant();
    Instant at = data.optionalInstant("at").orElse(now);
    data.done();
    if (at.isAfter(now.plus(MAX_SKEW))) {
      throw ApiException.invalidArgument("at", "is in the future");
    }
    if (at.isBefore(now.minus(MAX_AGE))) {
      throw ApiException.invalidArgument(
          "at", "is more than " + MAX_AGE.toMinutes() + " minutes old");
    }
    scaling
        .get()
        .metrics()
        .record(new ServiceMetricsStore.Sample(service, cpu, memory, rps, instances, at));
    return Map.of("service", service.id(), "at", at, "minute", at.truncatedTo(ChronoUnit.MINUTES));
  }
}
