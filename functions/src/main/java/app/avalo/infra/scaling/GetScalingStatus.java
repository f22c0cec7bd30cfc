package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code getScalingStatus} (admin): for every service (or {@code {service}}): rule and bounds in
 * force, current and desired instances, last metrics, last decision and its reason, cooldown
 * remaining and what it blocks, burst protection, manual override, actuation state. Read-only.
 */
public final class GetScalingStatus extends ApiFunction {
  private final Supplier<ScalingModule> scaling;

  public GetScalingStatus() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  GetScalingStatus(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    LogicalService only = data.optionalEnum("service", LogicalService.class).orElse(null);
    data.done();
    ScalingModule scaling = this.scaling.get();
    Instant now = platform().clock().instant();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("generatedAt", now);
    result.put("actuator", scaling.status().actuatorMode());
    result.put("services", scaling.status().services(only, now, true));
    return result;
  }
}
