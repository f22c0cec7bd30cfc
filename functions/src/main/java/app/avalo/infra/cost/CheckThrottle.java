package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code checkThrottle} (apps, as the signed-in user, before every costly action: a hot path): the
 * app asks before an AI message, a call, … {@code {service}} → {@code {service, allowed, reason,
 * retryAfterMs}}, reason one of {@code abuse}, {@code budget}, {@code rate_limit}, {@code
 * contention} (fails closed), or null. The per-user rate limit is exact across instances (see
 * {@link RateLimiter}); budgets and abuse state may be up to {@code COST_CACHE_MILLIS} stale.
 */
public final class CheckThrottle extends ApiFunction {
  private final Supplier<CostModule> cost;

  public CheckThrottle() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  CheckThrottle(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    CostService service = data.enumValue("service", CostService.class);
    data.done();
    return cost.get().throttles().check(service, request.caller().requireUid());
  }
}
