package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts.Severity;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The alert-manager loop behind {@code runHealthCheck}. For the window of the last {@code window}
 * whole minutes it evaluates every threshold on that service's aggregated samples:
 *
 * <ul>
 *   <li>too few samples ({@code < minSamples}): no evidence either way — the state is untouched;
 *   <li>breach: raise (or refresh: count/lastSeen) the one open alert {@code
 *       monitoring/<service>:<metric>}, reset the healthy streak;
 *   <li>healthy: extend the streak; at {@code recoveryWindows} consecutive healthy windows the open
 *       alert auto-resolves;
 *   <li>disabled: an open alert resolves.
 * </ul>
 *
 * Each window is evaluated at most once per threshold ({@code lastWindowEnd}), so a re-run for the
 * same scheduled minute neither double-counts a streak nor bumps an alert twice. Invalid threshold
 * documents raise a warning alert {@code monitoring/thresholds:<document>} that resolves once the
 * document is fixed. The alerts are {@link MonitoringAlerts}.
 */
final class ThresholdEvaluator {
  private final MetricReader reader;
  private final ThresholdStore thresholds;
  private final HealthStore store;
  private final MonitoringAlerts alerts;
  private final MonitoringConfig config;
  private final Clock clock;

  ThresholdEvaluator(
      MetricReader reader,
      ThresholdStore thresholds,
      HealthStore store,
      MonitoringAlerts alerts,
      MonitoringConfig config,
      Clock clock) {
    this.reader = reader;
    this.thresholds = thresholds;
    this.store = store;
    this.alerts = alerts;
    this.config = config;
    this.clock = clock;
  }

  /** Evaluates the window ending at the whole minute of {@code asOf} (exclusive). */
  HealthSummary check(Instant asOf) {
    Instant windowEnd = BucketKey.minuteOf(asOf);
    Instant windowStart = windowEnd.minus(config.window());
    ThresholdStore.Thresholds loaded = thresholds.load();
    Map<MonitoredService, BucketStats> stats =
        reader.window(List.of(MonitoredService.values()), windowStart, windowEnd);
    Map<String, RuleState> states =
        store.ruleStates(
            loaded.rules().stream()
                .map(r -> ThresholdRule.docId(r.service(), r.metric()))
                .toList());

    WriteBatch batch = store.batch();
    Map<MonitoredService, List<HealthSummary.Check>> checks = new EnumMap<>(MonitoredService.class);
    for (ThresholdRule rule : loaded.rules()) {
      BucketStats window = stats.get(rule.service());
      double value = rule.statistic().of(window, rule.service().measure());
      String outcome = outcome(rule, window, value);
      RuleState previous =
          states.getOrDefault(
              ThresholdRule.docId(rule.service(), rule.metric()), RuleState.INITIAL);
      RuleState next = previous;
      if (previous.lastWindowEnd() == null || windowEnd.isAfter(previous.lastWindowEnd())) {
        next = transition(rule, previous, outcome, value, window, windowStart, windowEnd);
        store.writeRuleState(batch, rule, next, clock.instant());
      }
      checks
          .computeIfAbsent(rule.service(), s -> new ArrayList<>())
          .add(
              new HealthSummary.Check(
                  rule.metric().wire(),
                  rule.statistic().wire(),
                  HealthSummary.number(value),
                  rule.threshold(),
                  rule.severity().wire(),
                  outcome,
                  window.count(),
                  rule.minSamples(),
                  next.firing(),
                  next.healthyStreak()));
    }

    List<HealthSummary.ConfigProblem> problems =
        loaded.problems().stream()
            .map(p -> new HealthSummary.ConfigProblem(p.documentId(), p.reason()))
            .toList();
    reconcileConfigAlerts(batch, problems);

    List<HealthSummary.ServiceHealth> services = new ArrayList<>();
    for (MonitoredService service : MonitoredService.values()) {
      services.add(
          serviceHealth(service, stats.get(service), checks.getOrDefault(service, List.of())));
    }
    String overall =
        services.stream()
            .map(HealthSummary.ServiceHealth::status)
            .max(Comparator.comparingInt(HealthSummary::rank))
            .orElse(HealthSummary.NO_DATA);
    HealthSummary summary =
        new HealthSummary(clock.instant(), windowStart, windowEnd, overall, services, problems);
    store.writeSummary(batch, summary);
    store.commit(batch);
    return summary;
  }

  private static String outcome(ThresholdRule rule, BucketStats window, double value) {
    if (!rule.enabled()) {
      return "disabled";
    }
    if (window.count() < rule.minSamples() || Double.isNaN(value)) {
      return "insufficient-data";
    }
    return value > rule.threshold() ? "breach" : "ok";
  }

  private RuleState transition(
      ThresholdRule rule,
      RuleState previous,
      String outcome,
      double value,
      BucketStats window,
      Instant windowStart,
      Instant windowEnd) {
    switch (outcome) {
      case "breach" -> {
        alerts.breached(rule, value, window, windowStart, windowEnd);
        return new RuleState(true, 0, windowEnd, outcome);
      }
      case "ok" -> {
        int streak = previous.healthyStreak() + 1;
        boolean firing = previous.firing();
        if (firing && streak >= rule.recoveryWindows()) {
          alerts.recovered(rule, streak);
          firing = false;
        }
        return new RuleState(firing, streak, windowEnd, outcome);
      }
      case "disabled" -> {
        if (previous.firing()) {
          alerts.disabled(rule);
        }
        return new RuleState(false, 0, windowEnd, outcome);
      }
      default -> {
        return new RuleState(previous.firing(), previous.healthyStreak(), windowEnd, outcome);
      }
    }
  }

  private void reconcileConfigAlerts(WriteBatch batch, List<HealthSummary.ConfigProblem> problems) {
    List<String> previouslyOpen = store.configAlerts();
    List<String> nowOpen = new ArrayList<>();
    for (HealthSummary.ConfigProblem p : problems) {
      alerts.invalidThreshold(p.document(), p.reason());
      nowOpen.add(p.document());
    }
    for (String id : previouslyOpen) {
      if (!nowOpen.contains(id)) {
        alerts.thresholdValidAgain(id);
      }
    }
    if (!previouslyOpen.equals(nowOpen)) {
      store.writeConfigAlerts(batch, nowOpen);
    }
  }

  private HealthSummary.ServiceHealth serviceHealth(
      MonitoredService service, BucketStats window, List<HealthSummary.Check> checks) {
    String status = HealthSummary.NO_DATA;
    for (HealthSummary.Check check : checks) {
      String s =
          switch (check.outcome()) {
            case "breach" ->
                check.severity().equals(Severity.CRITICAL.wire())
                    ? HealthSummary.CRITICAL
                    : check.severity().equals(Severity.WARNING.wire())
                        ? HealthSummary.DEGRADED
                        : HealthSummary.OK;
            case "ok" -> HealthSummary.OK;
            default -> HealthSummary.NO_DATA;
          };
      if (HealthSummary.rank(s) > HealthSummary.rank(status)) {
        status = s;
      }
    }
    Measure measure = service.measure();
    return new HealthSummary.ServiceHealth(
        service.wire(),
        status,
        measure.unit(),
        window.count(),
        window.errors(),
        HealthSummary.number(window.errorRate()),
        HealthSummary.number(window.quantile(0.50, measure)),
        HealthSummary.number(window.quantile(0.95, measure)),
        HealthSummary.number(window.quantile(0.99, measure)),
        HealthSummary.number(window.mean()),
        checks);
  }
}
