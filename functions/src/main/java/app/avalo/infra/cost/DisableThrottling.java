package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code disableThrottling} (admin, audited): {@code {service, durationMinutes, reason}} suspends
 * the service's budget throttle until now + duration (at most 7 days); a later call replaces it.
 * Per-user rate limits and abuse throttles stay on. Critical services are never throttled, so an
 * override for them is refused (FAILED_PRECONDITION). Other instances see it within {@code
 * COST_CACHE_MILLIS}.
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
    Fields data = request.data();
    CostService service = data.enumValue("service", CostService.class);
    long minutes = data.longValue("durationMinutes", 1, 7 * 24 * 60);
    String reason = data.string("reason", 500);
    data.done();
    CostStore.ThrottleOverride override =
        cost.get()
            .budgets()
            .disableThrottling(
                service, Duration.ofMinutes(minutes), reason, request.caller().label());
    return new BudgetMonitor.OverrideView(
        override.until(), override.reason(), override.by(), override.createdAt(), true);
  }
}
