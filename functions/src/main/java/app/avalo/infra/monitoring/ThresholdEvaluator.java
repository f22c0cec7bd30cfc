package app.avalo.infra.monitoring;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Alerts.Severity;
import com.google.cloud.firestore.WriteBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * document is fixed.
 */
final class ThresholdEvaluator {
  static final String SOURCE = "monitoring";
  static final String BY = "monitoring (auto-resolve)";

  private final MetricReader reader;
  private final ThresholdStore thresholds;
  private final HealthStore store;
  private final Alerts alerts;
  private final MonitoringConfig config;
  private final Clock clock;

  ThresholdEvaluator(
      MetricReader reader,
      ThresholdStore thresholds,
      HealthStore store,
      Alerts alerts,
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
    Map<String, HealthStore.RuleState> states =
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
      HealthStore.RuleState previous =
          states.getOrDefault(
              ThresholdRule.docId(rule.service(), rule.metric()), HealthStore.RuleState.INITIAL);
      HealthStore.RuleState next = previous;
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

  private HealthStore.RuleState transition(
      ThresholdRule rule,
      HealthStore.RuleState previous,
      String outcome,
      double value,
      BucketStats window,
      Instant windowStart,
      Instant windowEnd) {
    switch (outcome) {
      case "breach" -> {
        alerts.raise(
            SOURCE,
            rule.key(),
            rule.severity(),
            message(rule, value, window),
            details(rule, value, window, windowStart, windowEnd));
        return new HealthStore.RuleState(true, 0, windowEnd, outcome);
      }
      case "ok" -> {
        int streak = previous.healthyStreak() + 1;
        boolean firing = previous.firing();
        if (firing && streak >= rule.recoveryWindows()) {
          alerts.resolve(
              SOURCE,
              rule.key(),
              BY,
              "healthy for "
                  + streak
                  + " consecutive windows of "
                  + config.window().toMinutes()
                  + " min");
          firing = false;
        }
        return new HealthStore.RuleState(firing, streak, windowEnd, outcome);
      }
      case "disabled" -> {
        if (previous.firing()) {
          alerts.resolve(SOURCE, rule.key(), BY, "threshold disabled");
        }
        return new HealthStore.RuleState(false, 0, windowEnd, outcome);
      }
      default -> {
        return new HealthStore.RuleState(
            previous.firing(), previous.healthyStreak(), windowEnd, outcome);
      }
    }
  }

  private void reconcileConfigAlerts(WriteBatch batch, List<HealthSummary.ConfigProblem> problems) {
    List<String> previouslyOpen = store.configAlerts();
    List<String> nowOpen = new ArrayList<>();
    for (HealthSummary.ConfigProblem p : problems) {
      alerts.raise(
          SOURCE,
          "thresholds:" + p.document(),
          Severity.WARNING,
          "threshold document monitoringThresholds/"
              + p.document()
              + " is invalid and is not evaluated: "
              + p.reason(),
          Map.of("document", p.document(), "reason", p.reason()));
      nowOpen.add(p.document());
    }
    for (String id : previouslyOpen) {
      if (!nowOpen.contains(id)) {
        alerts.resolve(
            SOURCE, "thresholds:" + id, BY, "threshold document is valid again (or removed)");
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

  private String message(ThresholdRule rule, double value, BucketStats window) {
    Measure measure = rule.service().measure();
    String shown =
        rule.statistic() == Statistic.ERROR_RATE
            ? String.format(
                Locale.ROOT, "%.3f %% (threshold %.3f %%)", value * 100, rule.threshold() * 100)
            : String.format(
                Locale.ROOT,
                "%.1f %s (threshold %s %s)",
                value,
                measure.unit(),
                plain(rule.threshold()),
                measure.unit());
    return String.format(
        Locale.ROOT,
        "%s %s %s is %s over the last %d min (%d samples)",
        rule.service().wire(),
        rule.metric().wire(),
        rule.statistic().wire(),
        shown,
        config.window().toMinutes(),
        window.count());
  }

  private static Map<String, Object> details(
      ThresholdRule rule,
      double value,
      BucketStats window,
      Instant windowStart,
      Instant windowEnd) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("service", rule.service().wire());
    details.put("metric", rule.metric().wire());
    details.put("statistic", rule.statistic().wire());
    details.put("value", HealthSummary.number(value));
    details.put("threshold", rule.threshold());
    details.put(
        "unit",
        rule.statistic() == Statistic.ERROR_RATE ? "ratio" : rule.service().measure().unit());
    details.put("samples", window.count());
    details.put("errors", window.errors());
    details.put("windowStart", windowStart.toString());
    details.put("windowEnd", windowEnd.toString());
    return details;
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
