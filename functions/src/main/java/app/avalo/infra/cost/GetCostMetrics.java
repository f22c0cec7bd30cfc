package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Fields;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code getCostMetrics} (admins, on demand): {@code {period: "yyyy-MM"}} → total spend, per
 * service (with AI per model/feature and bandwidth per region), cost per active user / chat / call
 * and spend-to-revenue, from the ledger's counters and aggregation queries over {@code users},
 * {@code chats}, {@code calls}, {@code payments} (see {@link CostMetrics}). Read-only.
 */
public final class GetCostMetrics extends ApiFunction {
  private final Supplier<CostModule> cost;

  public GetCostMetrics() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  GetCostMetrics(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    Fields data = request.data();
    BillingPeriod period = BillingPeriod.parse(data.path("period"), data.string("period", 7));
    data.done();
    return cost.get().metrics().compute(period);
  }
}
