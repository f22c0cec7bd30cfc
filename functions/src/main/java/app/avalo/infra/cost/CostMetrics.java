package app.avalo.infra.cost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code getCostMetrics}: a period's spend from the ledger's counters, set against the app's own
 * activity counted with Firestore aggregation queries (no documents are downloaded):
 *
 * <ul>
 *   <li>active users — {@code users} with {@code lastActiveAt} (timestamp) in the period. Because
 *       only the latest activity is stored, a past month counts users whose last activity fell in
 *       it; the current month's figure is exact.
 *   <li>chats — {@code chats} with {@code createdAt} (timestamp) in the period (chats started).
 *   <li>calls — {@code calls} with {@code startedAt} (timestamp) in the period.
 *   <li>revenue — sum of {@code payments.amountMinor} (integer grosze) with {@code status ==
 *       "succeeded"} and {@code createdAt} (timestamp) in the period (index: status, createdAt).
 * </ul>
 *
 * Unit costs are fully loaded: total spend divided by the count, in grosze, half up; null when the
 * count is zero. The total is the sum of the per-service amounts as shown (each rounded once).
 */
public final class CostMetrics {
  // The app's collections the metrics count (the demo seed writes them).
  public static final String USERS = AppActivityStore.USERS;
  public static final String CHATS = AppActivityStore.CHATS;
  public static final String CALLS = AppActivityStore.CALLS;
  public static final String PAYMENTS = AppActivityStore.PAYMENTS;
  public static final String PAYMENT_SUCCEEDED = AppActivityStore.PAYMENT_SUCCEEDED;

  private final LedgerStore ledger;
  private final AppActivityStore activity;

  CostMetrics(LedgerStore ledger, AppActivityStore activity) {
    this.ledger = ledger;
    this.activity = activity;
  }

  /**
   * One service's spend in a period, with its usage counts and breakdowns (model, feature, region).
   */
  public record ServiceSpend(
      String service,
      long costMinor,
      long events,
      Map<String, Long> usage,
      Map<String, Long> breakdownMinor) {}

  public record Metrics(
      String period,
      long totalSpendMinor,
      List<ServiceSpend> services,
      long activeUsers,
      long chats,
      long calls,
      long payments,
      long revenueMinor,
      Long costPerActiveUserMinor,
      Long costPerChatMinor,
      Long costPerCallMinor,
      BigDecimal spendToRevenuePercent) {}

  public Metrics compute(BillingPeriod period) {
    List<ServiceSpend> services = spendByService(period);
    long total = services.stream().mapToLong(ServiceSpend::costMinor).sum();
    long activeUsers = activity.activeUsers(period);
    long chats = activity.chatsStarted(period);
    long calls = activity.callsStarted(period);
    CountAndSum payments = activity.succeededPayments(period);
    return new Metrics(
        period.id(),
        total,
        services,
        activeUsers,
        chats,
        calls,
        payments.count(),
        payments.sum(),
        Money.perUnit(total, activeUsers),
        Money.perUnit(total, chats),
        Money.perUnit(total, calls),
        Money.percent(total, payments.sum()));
  }

  /** Every service's spend in a period, in {@link CostService} order. */
  List<ServiceSpend> spendByService(BillingPeriod period) {
    List<ServiceSpend> services = new ArrayList<>();
    for (CostService service : CostService.values()) {
      Map<String, Long> totals = ledger.periodTotals(period, service);
      Map<String, Long> usage = new TreeMap<>();
      Map<String, Long> breakdown = new TreeMap<>();
      totals.forEach(
          (field, value) -> {
            switch (field) {
              case LedgerCodec.COST_MICROS, LedgerCodec.EVENTS -> {}
              case LedgerCodec.INPUT_TOKENS, LedgerCodec.OUTPUT_TOKENS, LedgerCodec.BYTES ->
                  usage.put(field, value);
              default -> breakdown.put(field, Money.toMinor(value));
            }
          });
      services.add(
          new ServiceSpend(
              service.wire(),
              Money.toMinor(totals.getOrDefault(LedgerCodec.COST_MICROS, 0L)),
              totals.getOrDefault(LedgerCodec.EVENTS, 0L),
              usage,
              breakdown));
    }
    return services;
  }
}
