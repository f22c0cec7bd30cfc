package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code disableThrottling} (admins, audited, rarely): {@code {service, durationMinutes, reason}}
 * suspends the service's budget throttle until now + duration (at most 7 days); a later call
 * replaces it. Per-user rate limits and abuse throttles stay on. Critical services are never
 * throttled, so an override for them is refused (FAILED_PRECONDITION). Other instances see it
 * within {@code COST_CACHE_MILLIS}.
 */
public final class DisableThrottling extends ApiFunction {
  private final Supplier<CostModule> cost;

  public DisableThrottling() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  DisableThrottling(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    ThrottleRequest throttle = ThrottleRequest.read(request.data());
    request.data().done();
    return cost.get().budgets().disableThrottling(throttle, request.caller().label());
  }
}
