package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code updateMetrics} (private; each service's metrics exporter, every 5-15 s): a whole-service
 * snapshot {@code {service, cpu 0-1, memory 0-1, rps, instances, at?}} is added to its minute and
 * hour buckets (two server-side increments, no document per sample); a sample at most an hour old
 * or a minute ahead of our clock is accepted. A refused sample writes nothing.
 */
public final class UpdateMetrics extends ApiFunction {
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
    MetricSample sample = MetricSample.read(request.data(), platform().clock().instant());
    return scaling.get().intake().accept(sample);
  }
}
