package app.avalo.infra.cost;

import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code detectFraudAbuse}: compares every user's cost over the last {@code COST_FRAUD_WINDOW_DAYS}
 * UTC days (today included, from {@code costUserDays}) with the population's with {@link
 * RobustThreshold}; flags the anomalous ones in {@code fraudFlags/{day}~{uid}}, throttles them
 * ({@code costAbuseThrottles/{uid}}, every service) until now + {@code COST_ABUSE_THROTTLE_MINUTES}
 * (re-detection extends it), and raises one warning alert per user and day ({@code abuse:{uid}},
 * source {@code cost}). Every run, complete or not, first resolves the {@code abuse:{uid}} alerts
 * whose throttle is no longer active, so an alert says "throttled now", not "was once".
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

  private final LedgerStore ledger;
  private final ThrottleStore store;
  private final CostAlerts alerts;
  private final ThrottleGate gate;
  private final Clock clock;
  private final CostConfig config;

  FraudDetector(
      LedgerStore ledger,
      ThrottleStore store,
      CostAlerts alerts,
      ThrottleGate gate,
      Clock clock,
      CostConfig config) {
    this.ledger = ledger;
    this.store = store;
    this.alerts = alerts;
    this.gate = gate;
    this.clock = clock;
    this.config = config;
  }

  /** What a run reports: {@link Incomplete} or {@link Completed}. */
  sealed interface Run {
    JobRunner.Result result();
  }

  /** The population could not be read before the deadline; nobody was flagged. */
  record Incomplete(boolean complete, long scanned, String reason) implements Run {
    @Override
    public JobRunner.Result result() {
      return JobRunner.Result.of(
          DocWriter.create()
              .field("complete", complete)
              .field("scanned", scanned)
              .field("reason", reason)
              .map());
    }
  }

  /** The statistics of the population and the first (at most 20) users flagged. */
  record Completed(
      boolean complete,
      String window,
      long population,
      long medianMinor,
      long madMinor,
      long thresholdMinor,
      long anomalous,
      List<String> flagged)
      implements Run {
    @Override
    public JobRunner.Result result() {
      return JobRunner.Result.of(
          DocWriter.create()
              .field("complete", complete)
              .field("window", window)
              .field("population", population)
              .field("medianMinor", medianMinor)
              .field("madMinor", madMinor)
              .field("thresholdMinor", thresholdMinor)
              .field("anomalous", anomalous)
              .field("flagged", new ArrayList<>(flagged))
              .map());
    }
  }

  Run run(JobContext context) {
    resolveExpiredThrottles();
    Instant at = context.scheduledFor();
    String today = BillingPeriod.dayId(at);
    String fromDay = BillingPeriod.dayId(at.minus(Duration.ofDays(config.fraudWindowDays() - 1L)));
    Map<String, Long> costs = new HashMap<>();
    UsagePage page = ledger.userDaysFrom(fromDay, null, PAGE);
    long scanned = 0;
    while (!page.rows().isEmpty()) {
      for (Usage usage : page.rows()) {
        costs.merge(usage.userId(), usage.costMicros(), Long::sum);
      }
      scanned += page.rows().size();
      context.progress("scanned", scanned);
      if (page.rows().size() < PAGE) {
        break;
      }
      if (context.remaining().compareTo(SAFETY_MARGIN) < 0) {
        return new Incomplete(
            false,
            scanned,
            "deadline reached before the whole population was read; nobody flagged");
      }
      page = ledger.userDaysFrom(fromDay, page.last(), PAGE);
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
      FraudFlag flag =
          new FraudFlag(
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
      boolean wasThrottled =
          store.abuseThrottledUntil(e.getKey()).filter(t -> t.isAfter(now)).isPresent();
      long detections = store.saveFlag(flag);
      gate.forgetAbuse(e.getKey());
      if (detections == 1 || !wasThrottled) {
        alerts.userThrottled(flag);
      }
      flagged.add(e.getKey());
    }
    if (anomalous.size() > MAX_FLAGS_PER_RUN) {
      alerts.massAnomaly(anomalous.size(), MAX_FLAGS_PER_RUN, today);
    } else {
      alerts.massAnomalyOver(anomalous.size(), today);
    }
    return new Completed(
        true,
        fromDay + ".." + today,
        threshold.population(),
        Money.toMinor(threshold.medianMicros()),
        Money.toMinor(threshold.madMicros()),
        Money.toMinor(threshold.effectiveThresholdMicros()),
        anomalous.size(),
        List.copyOf(flagged.subList(0, Math.min(flagged.size(), 20))));
  }

  private void resolveExpiredThrottles() {
    Instant now = clock.instant();
    for (String userId : alerts.openAbuseUsers()) {
      boolean active = store.abuseThrottledUntil(userId).filter(t -> t.isAfter(now)).isPresent();
      if (!active) {
        alerts.throttleExpired(userId, now);
      }
    }
  }
}
