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
 * whole minutes it evaluates every threshold on that service's aggregated samples ({@link
 * ThresholdDecision}: exact where the samples were counted against the threshold, else the
 * histogram estimate):
 *
 * <ul>
 *   <li>too few samples ({@code < minSamples}): no evidence either way — the streaks are untouched;
 *   <li>breach: the breach streak grows; once it reaches {@code forWindows} (the pending period)
 *       raise (or refresh: count/lastSeen) the one open alert {@code
 *       monitoring/<service>:<metric>}; the healthy streak resets;
 *   <li>healthy: the breach streak resets and the healthy streak grows; at {@code recoveryWindows}
 *       consecutive healthy windows the open alert auto-resolves;
 *   <li>disabled: an open alert resolves.
 * </ul>
 *
 * and per service NoData: a service some rule expects traffic of ({@code noDataWindows} > 0) that
 * has had samples and then has none for that many windows in a row raises {@code
 * monitoring/<service>:nodata}; the first window with samples resolves it.
 *
 * <p>A state that goes with an alert change is written in the alert's transaction, so an alert is
 * open exactly when its state says it fires, even if this run fails later; the other states, the
 * summary and the configuration alerts' bookkeeping commit in one batch at the end. Each window is
 * evaluated at most once per rule ({@code lastWindowEnd}), so a re-run for the same scheduled
 * minute neither double-counts a streak nor bumps an alert twice. Invalid threshold documents raise
 * a warning alert {@code monitoring/thresholds:<document>} that resolves once the document is
 * fixed. The alerts are {@link MonitoringAlerts}.
 */
final class ThresholdEvaluator {
  static final String PENDING = "pending";

  private final MetricReader reader;
  private final ThresholdStore thresholds;
  private final HealthStore store;
  private final MonitoringAlerts alerts;
  private final List<String> regions;
  private final MonitoringConfig config;
  private final Clock clock;

  ThresholdEvaluator(
      MetricReader reader,
      ThresholdStore thresholds,
      HealthStore store,
      MonitoringAlerts alerts,
      List<String> regions,
      MonitoringConfig config,
      Clock clock) {
    this.reader = reader;
    this.thresholds = thresholds;
    this.store = store;
    this.alerts = alerts;
    this.regions = List.copyOf(regions);
    this.config = config;
    this.clock = clock;
  }

  /** Evaluates the window ending at the whole minute of {@code asOf} (exclusive). */
  HealthSummary check(Instant asOf) {
    Instant windowEnd = BucketKey.minuteOf(asOf);
    Instant windowStart = windowEnd.minus(config.window());
    ThresholdStore.Thresholds loaded = thresholds.load();
    List<MonitoredService> services = List.of(MonitoredService.values());
    Map<MonitoredService, BucketStats> stats = reader.window(services, windowStart, windowEnd);
    HealthStore.States states =
        store.states(
            loaded.rules().stream().map(r -> ThresholdRule.docId(r.service(), r.metric())).toList(),
            services);
    Window w = new Window(windowStart, windowEnd, store.batch(), clock.instant());

    Map<MonitoredService, List<HealthSummary.Check>> checks = new EnumMap<>(MonitoredService.class);
    for (ThresholdRule rule : loaded.rules()) {
      BucketStats window = stats.get(rule.service());
      ThresholdDecision decision = ThresholdDecision.of(rule, window, regions);
      RuleState previous =
          states
              .rules()
              .getOrDefault(ThresholdRule.docId(rule.service(), rule.metric()), RuleState.INITIAL);
      RuleState next =
          previous.evaluates(windowEnd)
              ? transition(rule, previous, decision, window, w)
              : previous;
      String outcome = decision.breach() && !next.firing() ? PENDING : decision.outcome();
      boolean decided = decision.breach() || decision.outcome().equals(ThresholdDecision.OK);
      checks
          .computeIfAbsent(rule.service(), s -> new ArrayList<>())
          .add(
              new HealthSummary.Check(
                  rule.metric().wire(),
                  rule.statistic().wire(),
                  HealthSummary.number(decision.value()),
                  rule.threshold(),
                  rule.severity().wire(),
                  outcome,
                  window.count(),
                  rule.minSamples(),
                  next.firing(),
                  next.healthyStreak(),
                  decided ? decision.method() : null,
                  decision.aboveShare() == null
                      ? null
                      : HealthSummary.number(decision.aboveShare()),
                  decision.region(),
                  rule.forWindows(),
                  next.breachStreak()));
    }

    Map<MonitoredService, HealthSummary.NoData> noData = new EnumMap<>(MonitoredService.class);
    for (MonitoredService service : services) {
      int expected = expectedWindows(service, loaded.rules());
      NoDataState previous = states.noData().getOrDefault(service, NoDataState.INITIAL);
      NoDataState next =
          previous.evaluates(windowEnd)
              ? noDataTransition(
                  service,
                  expected,
                  severity(service, loaded.rules()),
                  previous,
                  stats.get(service),
                  w)
              : previous;
      if (expected > 0 || next.firing()) {
        noData.put(
            service,
            new HealthSummary.NoData(
                expected, next.emptyStreak(), next.hadTraffic(), next.firing()));
      }
    }

    List<HealthSummary.ConfigProblem> problems =
        loaded.problems().stream()
            .map(p -> new HealthSummary.ConfigProblem(p.documentId(), p.reason()))
            .toList();
    reconcileConfigAlerts(w.batch(), problems);

    List<HealthSummary.ServiceHealth> healths = new ArrayList<>();
    for (MonitoredService service : services) {
      healths.add(
          serviceHealth(
              service,
              stats.get(service),
              checks.getOrDefault(service, List.of()),
              noData.get(service),
              severity(service, loaded.rules())));
    }
    String overall =
        healths.stream()
            .map(HealthSummary.ServiceHealth::status)
            .max(Comparator.comparingInt(HealthSummary::rank))
            .orElse(HealthSummary.NO_DATA);
    HealthSummary summary =
        new HealthSummary(clock.instant(), windowStart, windowEnd, overall, healths, problems);
    store.writeSummary(w.batch(), summary);
    store.commit(w.batch());
    return summary;
  }

  /** The window being evaluated, the batch for what goes with no alert change, and the time. */
  private record Window(Instant start, Instant end, WriteBatch batch, Instant now) {}

  private RuleState transition(
      ThresholdRule rule,
      RuleState previous,
      ThresholdDecision decision,
      BucketStats window,
      Window w) {
    RuleState next;
    switch (decision.outcome()) {
      case ThresholdDecision.BREACH -> {
        int streak = previous.breachStreak() + 1;
        if (previous.firing() || streak >= rule.forWindows()) {
          RuleState firing = new RuleState(true, 0, streak, w.end(), ThresholdDecision.BREACH);
          alerts.breached(
              rule,
              decision,
              window,
              streak,
              w.start(),
              w.end(),
              tx -> store.writeRuleState(tx, rule, firing, w.now()));
          return firing;
        }
        next = new RuleState(false, 0, streak, w.end(), PENDING);
      }
      case ThresholdDecision.OK -> {
        int healthy = previous.healthyStreak() + 1;
        if (previous.firing() && healthy >= rule.recoveryWindows()) {
          RuleState resolved = new RuleState(false, healthy, 0, w.end(), ThresholdDecision.OK);
          alerts.recovered(rule, healthy, tx -> store.writeRuleState(tx, rule, resolved, w.now()));
          return resolved;
        }
        next = new RuleState(previous.firing(), healthy, 0, w.end(), ThresholdDecision.OK);
      }
      case ThresholdDecision.DISABLED -> {
        next = new RuleState(false, 0, 0, w.end(), ThresholdDecision.DISABLED);
        if (previous.firing()) {
          RuleState off = next;
          alerts.disabled(rule, tx -> store.writeRuleState(tx, rule, off, w.now()));
          return off;
        }
      }
      default ->
          next =
              new RuleState(
                  previous.firing(),
                  previous.healthyStreak(),
                  previous.breachStreak(),
                  w.end(),
                  decision.outcome());
    }
    store.writeRuleState(w.batch(), rule, next, w.now());
    return next;
  }

  /**
   * {@code expected}: empty windows in a row that raise NoData (0: no traffic expected). Writes
   * only when something changes (a steady service costs nothing).
   */
  private NoDataState noDataTransition(
      MonitoredService service,
      int expected,
      Severity severity,
      NoDataState previous,
      BucketStats window,
      Window w) {
    NoDataState next;
    if (!window.isEmpty()) {
      NoDataState back = new NoDataState(false, 0, true, w.end());
      if (previous.firing()) {
        alerts.dataBack(
            service, window.count(), tx -> store.writeNoDataState(tx, service, back, w.now()));
        return back;
      }
      next = back;
    } else if (expected == 0) {
      NoDataState off = new NoDataState(false, 0, previous.hadTraffic(), w.end());
      if (previous.firing()) {
        alerts.noDataOff(service, tx -> store.writeNoDataState(tx, service, off, w.now()));
        return off;
      }
      next = off;
    } else {
      int empty = previous.emptyStreak() + 1;
      boolean fire = previous.hadTraffic() && empty >= expected;
      NoDataState silent = new NoDataState(fire, empty, previous.hadTraffic(), w.end());
      if (fire) {
        alerts.noData(
            service,
            severity,
            empty,
            expected,
            w.start(),
            w.end(),
            tx -> store.writeNoDataState(tx, service, silent, w.now()));
        return silent;
      }
      next = silent;
    }
    if (next.firing() != previous.firing()
        || next.emptyStreak() != previous.emptyStreak()
        || next.hadTraffic() != previous.hadTraffic()) {
      store.writeNoDataState(w.batch(), service, next, w.now());
    }
    return next;
  }

  /**
   * The fewest empty windows any enabled rule of the service tolerates; 0 when none expects any.
   */
  private static int expectedWindows(MonitoredService service, List<ThresholdRule> rules) {
    return rules.stream()
        .filter(r -> r.service() == service && r.enabled() && r.noDataWindows() > 0)
        .mapToInt(ThresholdRule::noDataWindows)
        .min()
        .orElse(0);
  }

  /** NoData of a service with a critical threshold is critical: its silence is an outage. */
  private static Severity severity(MonitoredService service, List<ThresholdRule> rules) {
    return rules.stream()
            .anyMatch(
                r -> r.service() == service && r.enabled() && r.severity() == Severity.CRITICAL)
        ? Severity.CRITICAL
        : Severity.WARNING;
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
      MonitoredService service,
      BucketStats window,
      List<HealthSummary.Check> checks,
      HealthSummary.NoData noData,
      Severity noDataSeverity) {
    String status = HealthSummary.NO_DATA;
    for (HealthSummary.Check check : checks) {
      String s =
          switch (check.outcome()) {
            case ThresholdDecision.BREACH ->
                check.severity().equals(Severity.CRITICAL.wire())
                    ? HealthSummary.CRITICAL
                    : check.severity().equals(Severity.WARNING.wire())
                        ? HealthSummary.DEGRADED
                        : HealthSummary.OK;
            case PENDING -> HealthSummary.DEGRADED;
            case ThresholdDecision.OK -> HealthSummary.OK;
            default -> HealthSummary.NO_DATA;
          };
      if (HealthSummary.rank(s) > HealthSummary.rank(status)) {
        status = s;
      }
    }
    if (noData != null && noData.firing()) {
      String s =
          noDataSeverity == Severity.CRITICAL ? HealthSummary.CRITICAL : HealthSummary.DEGRADED;
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
        checks,
        noData);
  }
}
