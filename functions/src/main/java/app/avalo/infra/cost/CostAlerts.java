package app.avalo.infra.cost;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.DocWriter;
import java.time.Instant;
import java.util.List;

/**
 * Every alert the cost domain raises ({@code systemAlerts}, source {@code cost}):
 *
 * <ul>
 *   <li>{@code budget:{service}:{period}:{level}} — a budget threshold reached for the first time
 *       in a period: {@code alert} as a warning, {@code throttle} and {@code critical} as critical;
 *       resolved when the next period starts;
 *   <li>{@code abuse:{uid}} — fraud detection flagged and throttled a user (warning, on the first
 *       detection of a day or when a user whose throttle had expired is throttled again); resolved
 *       by the first detection run after the throttle is no longer active;
 *   <li>{@code abuse:mass} — more users look anomalous at once than one run flags (critical);
 *       resolved by the next complete run that finds no more than it can flag.
 * </ul>
 */
final class CostAlerts {
  static final String SOURCE = "cost";
  private static final String ABUSE_PREFIX = "abuse:";
  private static final String MASS_ANOMALY = "abuse:mass";

  private final Alerts alerts;

  CostAlerts(Alerts alerts) {
    this.alerts = alerts;
  }

  static String budgetKey(CostService service, BillingPeriod period, BudgetPolicy.Level level) {
    return "budget:" + service.wire() + ":" + period.id() + ":" + level.label();
  }

  /** A budget threshold was reached for the first time in the period. */
  void budgetReached(
      BudgetPolicy policy, BillingPeriod period, BudgetPolicy.Level level, long spentMicros) {
    long spentMinor = Money.toMinor(spentMicros);
    String name = policy.service().wire();
    String share = Money.percent(spentMinor, policy.monthlyBudgetMinor()).toPlainString() + "%";
    String amounts =
        " ("
            + Money.pln(spentMinor)
            + " of "
            + Money.pln(policy.monthlyBudgetMinor())
            + " PLN, "
            + period
            + ")";
    String message =
        switch (level) {
          case ALERT ->
              name
                  + " spend passed "
                  + policy.alertPercent()
                  + "% of its monthly budget: "
                  + share
                  + amounts;
          case THROTTLE ->
              name
                  + " is throttled: spend passed "
                  + policy.throttlePercent()
                  + "% of its monthly budget: "
                  + share
                  + amounts;
          case CRITICAL ->
              name
                  + " spend passed "
                  + policy.criticalPercent()
                  + "% of its monthly budget: "
                  + share
                  + amounts
                  + "; critical service, not throttled";
        };
    Alerts.Severity severity =
        level == BudgetPolicy.Level.ALERT ? Alerts.Severity.WARNING : Alerts.Severity.CRITICAL;
    alerts.raise(
        SOURCE,
        budgetKey(policy.service(), period, level),
        severity,
        message,
        DocWriter.create()
            .field("service", name)
            .field("period", period.id())
            .field("level", level.label())
            .field("spentMinor", spentMinor)
            .field("budgetMinor", policy.monthlyBudgetMinor())
            .field("percent", share)
            .map());
  }

  /** A new period started: the previous period's budget alerts of the service are over. */
  void periodEnded(CostService service, BillingPeriod previous) {
    for (BudgetPolicy.Level level : BudgetPolicy.Level.values()) {
      alerts.resolve(
          SOURCE,
          budgetKey(service, previous, level),
          "cost",
          "budget period " + previous + " ended");
    }
  }

  /** Fraud detection flagged and throttled a user (raised on the first detection of the day). */
  void userThrottled(FraudFlag flag) {
    alerts.raise(
        SOURCE,
        ABUSE_PREFIX + flag.userId(),
        Alerts.Severity.WARNING,
        "user "
            + flag.userId()
            + " spent "
            + Money.pln(Money.toMinor(flag.costMicros()))
            + " PLN in "
            + flag.windowDays()
            + " day(s), above the anomaly threshold of "
            + Money.pln(Money.toMinor(flag.thresholdMicros()))
            + " PLN ("
            + flag.rule()
            + "); throttled until "
            + flag.throttledUntil(),
        DocWriter.create()
            .field("userId", flag.userId())
            .field("day", flag.day())
            .field("costMinor", Money.toMinor(flag.costMicros()))
            .field("thresholdMinor", Money.toMinor(flag.thresholdMicros()))
            .field("medianMinor", Money.toMinor(flag.medianMicros()))
            .field("population", (long) flag.population())
            .field("rule", flag.rule())
            .field("throttledUntil", flag.throttledUntil().toString())
            .map());
  }

  /** The users whose {@code abuse:{uid}} alert is open (so their throttle can be re-checked). */
  List<String> openAbuseUsers() {
    return alerts.openKeys(SOURCE, ABUSE_PREFIX).stream()
        .filter(key -> !key.equals(MASS_ANOMALY))
        .map(key -> key.substring(ABUSE_PREFIX.length()))
        .toList();
  }

  /** The user's abuse throttle has expired (or was removed): the alert's cause is gone. */
  void throttleExpired(String userId, Instant now) {
    alerts.resolve(
        SOURCE, ABUSE_PREFIX + userId, "cost", "abuse throttle no longer active at " + now);
  }

  /** A complete run found no more anomalous users than it can flag: the incident is over. */
  void massAnomalyOver(long anomalous, String day) {
    alerts.resolve(
        SOURCE,
        MASS_ANOMALY,
        "cost",
        anomalous + " anomalous user(s) on " + day + ", within what one run flags");
  }

  /** More users look anomalous than one run flags: an incident, not a few abusers. */
  void massAnomaly(long anomalous, int flagged, String day) {
    alerts.raise(
        SOURCE,
        MASS_ANOMALY,
        Alerts.Severity.CRITICAL,
        anomalous
            + " users look anomalous at once; the first "
            + flagged
            + " were throttled — check for a pricing change or a coordinated attack",
        DocWriter.create().field("anomalous", anomalous).field("day", day).map());
  }
}
