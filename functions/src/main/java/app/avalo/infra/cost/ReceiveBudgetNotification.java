package app.avalo.infra.cost;

import app.avalo.infra.Root;
import app.avalo.infra.platform.ApiFunction;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.Request;
import java.util.function.Supplier;

/**
 * {@code receiveBudgetNotification} (a Pub/Sub push subscription on the Cloud Billing budgets'
 * topic, with an OIDC token; several times a day per budget): keeps the budget's month-to-date cost
 * as a floor of the mapped service's spend (see {@link BudgetNotices}). Idempotent: a redelivery or
 * an older notification changes nothing. A 2xx acknowledges the message; a malformed push is
 * refused (400, naming the field), an unmapped budget acknowledged and ignored.
 */
public final class ReceiveBudgetNotification extends ApiFunction {
  private final Supplier<CostModule> cost;

  public ReceiveBudgetNotification() {
    super(() -> Root.get().platform());
    this.cost = () -> Root.get().cost();
  }

  ReceiveBudgetNotification(Platform platform, CostModule cost) {
    super(platform);
    this.cost = () -> cost;
  }

  @Override
  protected Object handle(Request request) {
    BudgetNotification notification = BudgetNotification.read(request.data());
    return cost.get().budgetNotices().receive(notification);
  }
}
