package app.avalo.infra.scaling;

import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.App;
import app.avalo.infra.platform.Fields;
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
  public GetScalingStatus() {
    super();
  }

  GetScalingStatus(Supplier<App> app) {
    super(app);
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    LogicalService only = data.optionalEnum("service", LogicalService.class).orElse(null);
    data.done();
    ScalingModule scaling = ScalingModule.of(app());
    Instant now = app().clock().instant();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("generatedAt", now);
    result.put("actuator", scaling.status().actuatorMode());
    result.put("services", scaling.status().services(only, now, true));
    return result;
  }
}
