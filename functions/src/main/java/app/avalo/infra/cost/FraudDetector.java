package app.avalo.infra.cost;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code detectFraudAbuse}: compares every user's cost over the last {@code COST_FRAUD_WINDOW_DAYS}
 * UTC days (today included, from {@code costUserDays}) with the population's with {@link
 * RobustThreshold}; flags the anomalous ones in {@code fraudFlags/{day}~{uid}}, throttles them
 * ({@code costAbuseThrottles/{uid}}, every service) until now + {@code COST_ABUSE_THROTTLE_MINUTES}
 * (re-detection extends it), and raises one warning alert per user and day ({@code abuse:{uid}},
 * source {@code cost}).
 *
 * <p>The population is the users with any recorded cost in the window. The scan is paginated and
 * watches the deadline: a run that cannot read the whole population flags nobody (statistics over a
 * partial population would be wrong) and says so in its summary.
 */
public final class FraudDetector {
  /**
   * More flags than this in one run is an incident, not a few abusers: one critical alert instead.
   */
  static final int MAX_FLAGS_PER_RUN = 100;

  private static final int PAGE = 1000;
  private static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

  private final CostStore store;
  private final Alerts alerts;
  private final ThrottleGate gate;
  private final Clock clock;
  private final CostConfig config;

  FraudDetector(CostStore store, Alerts alerts, ThrottleGate gate, Clock clock, CostConfig config) {
    this.store = store;
    this.alerts = alerts;
    this.gate = gate;
    this.clock = clock;
    this.config = config;
  }

  JobRunner.Result run(JobContext context) {
    Instant at = context.scheduledFor();
    String today = BillingPeriod.dayId(at);
    String fromDay = BillingPeriod.dayId(at.minus(Duration.ofDays(config.fraudWindowDays() - 1L)));
    Map<String, Long> costs = new HashMap<>();
    CostStore.UsagePage page = store.userDaysFrom(fromDay, null, PAGE);
    long scanned = 0;
    while (!page.rows().isEmpty()) {
      for (CostStore.Usage usage : page.rows()) {
        costs.merge(usage.userId(), usage.costMicros(), Long::sum);
      }
      scanned += page.rows().size();
      context.progress("scanned", scanned);
      if (page.rows().size() < PAGE) {
        break;
      }
      if (context.remaining().compareTo(SAFETY_MARGIN) < 0) {
        return JobRunner.Result.of(
            Map.of(
                "complete",
                false,
                "scanned",
                scanned,
                "reason",
                "deadline reached before the whole population was read; nobody flagged"));
      }
      page = store.userDaysFrom(fromDay, page.last(), PAGE);
    }
    RobustThreshold threshold =
        RobustThreshold.of(
            costs.values(),
            config.fraudMadMultiplier(),
            Money.toMicros(config.fraudFloorMinor()),
            Money.toMicros(config.fraudCeilingMinor()),
            config.fraudMinPopulation());
    List<Map.Entry<String, Long>> anomalous = new ArrayList<>();
    for (Map.Entry<String, Long> e : costs.entrySet()) {
      if (threshold.rule(e.getValue()) != null) {
        anomalous.add(e);
      }
    }
    anomalous.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Instant now = clock.instant();
    Instant until = now.plus(config.abuseThrottle());
    List<String> flagged = new ArrayList<>();
    for (Map.Entry<String, Long> e :
        anomalous.subList(0, Math.min(anomalous.size(), MAX_FLAGS_PER_RUN))) {
      String rule = threshold.rule(e.getValue());
      CostStore.Flag flag =
          new CostStore.Flag(
              e.getKey(),
              today,
              e.getValue(),
              threshold.effectiveThresholdMicros(),
              threshold.medianMicros(),
              threshold.madMicros(),
              threshold.population(),
              rule,
              now,
              until,
              config.fraudWindowDays());
      long detections = store.saveFlag(flag);
      gate.forgetAbuse(e.getKey());
      if (detections == 1) {
        alerts.raise(
            BudgetMonitor.ALERT_SOURCE,
            "abuse:" + e.getKey(),
            Alerts.Severity.WARNING,
            "user "
                + e.getKey()
                + " spent "
                + Money.pln(Money.toMinor(e.getValue()))
                + " PLN in "
                + config.fraudWindowDays()
                + " day(s), above the anomaly threshold of "
                + Money.pln(Money.toMinor(threshold.effectiveThresholdMicros()))
                + " PLN ("
                + rule
                + "); throttled until "
                + until,
            details(flag));
      }
      flagged.add(e.getKey());
    }
    if (anomalous.size() > MAX_FLAGS_PER_RUN) {
      alerts.raise(
          BudgetMonitor.ALERT_SOURCE,
          "abuse:mass",
          Alerts.Severity.CRITICAL,
          anomalous.size()
              + " users look anomalous at once; the first "
              + MAX_FLAGS_PER_RUN
              + " were throttled — check for a pricing change or a coordinated attack",
          Map.of("anomalous", (long) anomalous.size(), "day", today));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("complete", true);
    summary.put("window", fromDay + ".." + today);
    summary.put("population", (long) threshold.population());
    summary.put("medianMinor", Money.toMinor(threshold.medianMicros()));
    summary.put("madMinor", Money.toMinor(threshold.madMicros()));
    summary.put("thresholdMinor", Money.toMinor(threshold.effectiveThresholdMicros()));
    summary.put("anomalous", (long) anomalous.size());
    summary.put("flagged", new ArrayList<>(flagged.subList(0, Math.min(flagged.size(), 20))));
    return JobRunner.Result.of(summary);
  }

  private static Map<String, Object> details(CostStore.Flag flag) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("userId", flag.userId());
    details.put("day", flag.day());
    details.put("costMinor", Money.toMinor(flag.costMicros()));
    details.put("thresholdMinor", Money.toMinor(flag.thresholdMicros()));
    details.put("medianMinor", Money.toMinor(flag.medianMicros()));
    details.put("population", (long) flag.population());
    details.put("rule", flag.rule());
    details.put("throttledUntil", flag.throttledUntil().toString());
    return details;
  }
}
