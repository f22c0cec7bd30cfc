package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code manualScale} (admins, audited; the dashboard's scaling view, rarely): {@code {service,
 * instances}} pins a service to exactly that many instances, {@code {service, minInstances?,
 * maxInstances?}} replaces its bounds, for {@code durationMinutes} (1 min to 7 days). The override
 * wins over rules and burst protection until it expires; a new call replaces it. The service is
 * re-evaluated at once.
 */
public final class ManualScale extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public ManualScale() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  ManualScale(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    ScalingModule scaling = this.scaling.get();
    ManualScaleRequest input =
        ManualScaleRequest.read(request.data(), scaling.config().burstMaxInstances());
    return scaling.manual().apply(input, request.caller().label());
  }
}
