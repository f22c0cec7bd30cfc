package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getScalingStatus} (admins; the dashboard's scaling view): for every service (or {@code
 * {service}}): rule and bounds in force, current and desired instances, last metrics, last decision
 * and its reason, cooldown remaining and what it blocks, burst protection, manual override,
 * actuation state. Read-only.
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
    return scaling.get().status().report(only);
  }
}
