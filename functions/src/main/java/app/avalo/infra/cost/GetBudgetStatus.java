package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getBudgetStatus} (admins, when the budgets view is open): for the current month, per
 * service — budget, spent, %, run-rate forecast to month end, state (ok / warning / throttled /
 * critical), thresholds reached and any throttle override. Read fresh from Firestore (no cache);
 * seeds missing budgets first.
 */
public final class GetBudgetStatus extends ApiFunction {
  private final Supplier<CostModule> cost;

  public GetBudgetStatus() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  GetBudgetStatus(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    request.data().done();
    return cost.get().budgets().budgetStatus();
  }
}
