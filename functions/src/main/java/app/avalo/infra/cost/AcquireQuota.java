package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code acquireQuota} (AI and video backends, before each action that spends money for a user):
 * {@code {userId, service, units}} → {@code {service, allowed, reason, retryAfterMs}}, the
 * server-side counterpart of the app's advisory {@code checkThrottle}: the same abuse throttle,
 * budget throttle and per-user GCRA limit (shared state, so app and backend draw on one limit),
 * {@code units} slots taken all or none. A denied request takes nothing; {@code contention} fails
 * closed.
 */
public final class AcquireQuota extends ApiFunction {
  private final Supplier<CostModule> cost;

  public AcquireQuota() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  AcquireQuota(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    String userId = data.id("userId");
    CostService service = data.enumValue("service", CostService.class);
    long units = data.longValue("units", 1, 10_000);
    data.done();
    return cost.get().throttles().acquire(service, userId, units);
  }
}
