package app.avalo.infra.cost;

import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.Log;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;

/**
 * Cloud Billing budget notifications, the coarser second source of infrastructure spend: a budget
 * (one per service, filtered to its Cloud service in the Billing console) publishes its
 * month-to-date cost several times a day. The latest one per service and month is kept; the
 * budget's spend is the higher of the ledger (the export import) and that cost, so the budget moves
 * even while the export lags.
 */
final class BudgetNotices {
  private final BillingConfig config;
  private final BillingStore store;
  private final BudgetMonitor budgets;
  private final Clock clock;

  BudgetNotices(BillingConfig config, BillingStore store, BudgetMonitor budgets, Clock clock) {
    this.config = config;
    this.store = store;
    this.budgets = budgets;
    this.clock = clock;
  }

  /**
   * What became of a notification: {@code kept}, or why not ({@code ignored}: acknowledged so
   * Pub/Sub stops redelivering it, logged).
   */
  record Answer(
      boolean kept,
      String ignored,
      String service,
      String period,
      Long costMinor,
      String budgetState) {}

  Answer receive(BudgetNotification n) {
    CostService service = config.budgets().get(n.budgetId());
    if (service == null) {
      return ignore(n, "budget " + n.budgetId() + " is not mapped in COST_BILLING_BUDGETS");
    }
    BillingPeriod period = BillingPeriod.of(n.costIntervalStart());
    if (!period.start().equals(n.costIntervalStart())) {
      return ignore(n, "not a monthly budget: its interval starts " + n.costIntervalStart());
    }
    BigDecimal rate =
        config
            .plnPer(n.currencyCode())
            .orElseThrow(
                () ->
                    ApiException.failedPrecondition(
                        "budget notifications are in "
                            + n.currencyCode()
                            + " and COST_BILLING_FX has no rate for it"));
    long costMicros = BillingImporter.toMicros(n.costAmount().multiply(rate));
    long budgetMinor = Money.toMinor(BillingImporter.toMicros(n.budgetAmount().multiply(rate)));
    BudgetNotice notice =
        new BudgetNotice(
            service,
            period,
            n.budgetId(),
            costMicros,
            budgetMinor,
            n.currencyCode(),
            n.publishTime(),
            clock.instant());
    boolean kept = store.keepIfNewer(notice);
    String state = null;
    if (kept && period.equals(BillingPeriod.of(clock.instant()))) {
      state = budgets.observeFresh(service, period).wire();
    }
    return new Answer(
        kept,
        kept ? null : "a later notification is already kept",
        service.wire(),
        period.id(),
        Money.toMinor(costMicros),
        state);
  }

  private static Answer ignore(BudgetNotification n, String why) {
    Log.warn(
        "budget notification ignored: " + why,
        Map.of("budgetId", n.budgetId(), "messageId", n.messageId()));
    return new Answer(false, why, null, null, null, null);
  }
}
