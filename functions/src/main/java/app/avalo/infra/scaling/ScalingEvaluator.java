package app.avalo.infra.scaling;

import app.avalo.infra.platform.Log;
import app.avalo.infra.scaling.ScalingController.Action;
import app.avalo.infra.scaling.ScalingController.Bounds;
import app.avalo.infra.scaling.ScalingController.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Evaluates one service end to end: reads its rule, burst, override, metrics window and state; lets
 * {@link ScalingController} decide per region (bounded by the region's share of the routed traffic,
 * {@link RegionPlanner}); commits the decision and its event atomically (only if no other
 * evaluation of the service committed meanwhile); then brings the Cloud Run services to the decided
 * bounds through the {@link Actuator} when they differ from what was last applied, when the last
 * attempt failed, or every reconcile interval (so drift made by hand is corrected).
 *
 * <p>State is the intent, actuation reconciles toward it: a failed actuation is recorded on the
 * event and the state, raises an alert, and is retried by the next evaluation.
 */
public final class ScalingEvaluator {
  /** What one evaluation did. */
  public record Outcome(
      String service,
      String eventId,
      String commit,
      String action,
      String reason,
      String message,
      Integer currentInstances,
      int desiredInstances,
      ActuationReport actuation) {}

  private final ScalingStore store;
  private final ServiceMetricsStore metrics;
  private final ScalingController controller;
  private final Actuator actuator;
  private final ServiceMap serviceMap;
  private final ScalingAlerts alerts;
  private final ScalingConfig config;
  private final MetricsSource source;
  private final RegionRoutes routes;
  private final RegionPlanner planner;

  ScalingEvaluator(
      ScalingStore store,
      ServiceMetricsStore metrics,
      ScalingController controller,
      Actuator actuator,
      ServiceMap serviceMap,
      ScalingAlerts alerts,
      ScalingConfig config,
      MetricsSource source,
      RegionRoutes routes) {
    this.source = source;
    this.routes = routes;
    this.planner = new RegionPlanner(config.prewarmWindow());
    this.store = store;
    this.metrics = metrics;
    this.controller = controller;
    this.actuator = actuator;
    this.serviceMap = serviceMap;
    this.alerts = alerts;
    this.config = config;
  }

  /** The event id of a scheduled evaluation: one per service and scheduled time. */
  public static String scheduledEventId(LogicalService service, Instant scheduledFor) {
    return service.id() + "@" + scheduledFor.truncatedTo(ChronoUnit.SECONDS);
  }

  /** The event id of an evaluation triggered by an admin action or a burst change. */
  public static String adHocEventId(LogicalService service, Instant now, String trigger) {
    return service.id()
        + "@"
        + now
        + "~"
        + trigger
        + "~"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  public Outcome evaluate(LogicalService service, Instant now, String trigger, String eventId) {
    return evaluate(service, now, trigger, eventId, config.actuationTimeout());
  }

  /**
   * Decides and applies one service's bounds; the actuator gets at most {@code budget} (the
   * scheduled run passes what is left of the job's deadline).
   */
  public Outcome evaluate(
      LogicalService service, Instant now, String trigger, String eventId, Duration budget) {
    long started = System.nanoTime();
    RuleRead ruleRead = store.rule(service, config.stabilizationSeconds());
    ScalingRule rule = ruleRead.rule();
    Burst burst = store.burst(service);
    ManualOverride override = store.override(service);
    ServiceState state = store.state(service);
    Instant from =
        now.minus(config.metricsStaleAfter())
            .minus(rule.stabilizationMinutes() + 1L, ChronoUnit.MINUTES);
    Signals signals = signals(service, from, now);
    List<String> units = units(service, signals.perRegion(), state);
    Map<String, MinuteBucket> latest = new LinkedHashMap<>();
    Map<String, Integer> lastDesired = new LinkedHashMap<>();
    for (String u : units) {
      List<MinuteBucket> b = signals.perRegion().getOrDefault(u, List.of());
      if (!b.isEmpty()) {
        latest.put(u, b.get(b.size() - 1));
      }
      Integer d = state.forRegion(u, units.size()).desiredInstances();
      if (d != null) {
        lastDesired.put(u, d);
      }
    }
    List<RegionRoutes.Route> routeList = routes(now);
    Map<String, RegionShare> shares = planner.plan(units, latest, lastDesired, routeList, now);

    Decision decision;
    List<RegionDecision> regional = new ArrayList<>();
    boolean ruleInvalid = !ruleRead.problems().isEmpty();
    if (ruleInvalid) {
      Bounds bounds = controller.bounds(rule, burst, override, now);
      int desired =
          state.desiredInstances() != null
              ? state.desiredInstances()
              : bounds.clamp(rule.minInstances());
      decision =
          new Decision(
              Action.HOLD,
              "rule_invalid",
              "scalingRules/"
                  + service.id()
                  + " is invalid: "
                  + String.join("; ", ruleRead.problems())
                  + "; holding",
              null,
              desired,
              state.desiredInstances(),
              bounds,
              0,
              new DecisionInputs.RuleInvalid(ruleRead.problems()));
      alerts.ruleInvalid(service, decision.message(), ruleRead.problems());
    } else {
      for (String u : units) {
        Decision d =
            controller.decide(
                new ScalingController.Inputs(
                    now,
                    rule,
                    burst,
                    override,
                    signals.perRegion().getOrDefault(u, List.of()),
                    state.forRegion(u, units.size()),
                    shares.get(u)));
        regional.add(new RegionDecision(shares.get(u), unavailable(d, signals.problem())));
      }
      decision = combine(regional, state);
      if ("rule_invalid".equals(state.lastReason())) {
        alerts.ruleValidAgain(service);
      }
    }

    List<ServiceMap.Target> targets = targets(service, decision, regional, units, routeList, now);
    int targetMin = targets.stream().mapToInt(ServiceMap.Target::minInstances).sum();
    int targetMax = targets.stream().mapToInt(ServiceMap.Target::maxInstances).sum();
    String key = ServiceMap.key(targets);
    boolean actuate = !ruleInvalid && needsActuation(state, key, now);
    RecordedDecision recorded =
        new RecordedDecision(
            service,
            eventId,
            now,
            trigger,
            decision,
            targetMin,
            targetMax,
            actuator.mode(),
            actuate,
            signals.source(),
            regional,
            state.regions(),
            targets);
    Commit commit = store.commitDecision(recorded, state.revision());
    ActuationReport actuation = ActuationReport.NONE;
    if (commit == Commit.COMMITTED && actuate) {
      Duration left = budget.minusNanos(System.nanoTime() - started);
      Actuator.Result result = actuator.apply(service, targets, left);
      actuation = ActuationReport.of(result);
      store.recordActuation(recorded, result);
      if (!result.ok()) {
        alerts.actuationFailed(service, result.errors(), targetMin, targetMax);
      } else if (state.actuationStatus() != null && !isOk(state.actuationStatus())) {
        alerts.actuationRecovered(service);
      }
    } else if (commit == Commit.COMMITTED) {
      actuation = ActuationReport.NOT_NEEDED;
    }
    return new Outcome(
        service.id(),
        eventId,
        commit.wire(),
        decision.action().wire(),
        decision.reason(),
        decision.message(),
        decision.currentInstances(),
        decision.desiredInstances(),
        actuation);
  }

  /** A service's metrics for the window, where they came from, and why there are none. */
  private record Signals(
      Map<String, List<MinuteBucket>> perRegion, String source, String problem) {}

  /**
   * The service's own reports win (they are seconds old, Monitoring's minutes); without them the
   * configured source. A source that cannot be read leaves the service without metrics: it holds.
   */
  private Signals signals(LogicalService service, Instant from, Instant now) {
    List<MinuteBucket> reported = metrics.minutes(service, from, now);
    if (!reported.isEmpty()) {
      List<String> regions = serviceMap.regions(service);
      String unit = regions.size() == 1 ? regions.get(0) : RegionShare.WHOLE;
      return new Signals(Map.of(unit, reported), "reported", null);
    }
    try {
      return new Signals(source.minutes(service, from, now), source.mode(), null);
    } catch (RuntimeException e) {
      Log.error(
          "scaling metrics could not be read",
          Map.of("service", service.id(), "source", source.mode()),
          e);
      return new Signals(
          Map.of(), source.mode(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * What is decided on: the regions the service runs in, or the whole service when its metrics are
   * not per region (then also when they are missing, if that is how it was last decided).
   */
  private List<String> units(
      LogicalService service, Map<String, List<MinuteBucket>> perRegion, ServiceState state) {
    List<String> regions = serviceMap.regions(service);
    boolean whole =
        perRegion.containsKey(RegionShare.WHOLE)
            || (perRegion.isEmpty() && state.regions().containsKey(RegionShare.WHOLE));
    if (whole || regions.isEmpty()) {
      return List.of(RegionShare.WHOLE);
    }
    return regions;
  }

  private List<RegionRoutes.Route> routes(Instant now) {
    try {
      return routes.routes(now);
    } catch (RuntimeException e) {
      Log.error("routing's region view could not be read; regions taken as routable", Map.of(), e);
      return List.of();
    }
  }

  /** A hold on missing metrics says so when the source failed rather than had nothing. */
  private static Decision unavailable(Decision d, String problem) {
    if (problem == null || !"metrics_missing".equals(d.reason())) {
      return d;
    }
    return new Decision(
        d.action(),
        "metrics_unavailable",
        "metrics could not be read (" + problem + "); holding",
        d.currentInstances(),
        d.desiredInstances(),
        d.previousDesired(),
        d.bounds(),
        d.cooldownRemainingSeconds(),
        d.inputs());
  }

  /**
   * The service's decision from its regions': one region's is the service's; several add up (a
   * scale-up anywhere is the service's action, then a scale-down, a hold, no change), with the
   * first such region's reason and every region's message.
   */
  static Decision combine(List<RegionDecision> regions, ServiceState state) {
    if (regions.size() == 1) {
      return regions.get(0).decision();
    }
    Action action = Action.NO_CHANGE;
    for (Action a : List.of(Action.HOLD, Action.SCALE_DOWN, Action.SCALE_UP)) {
      for (RegionDecision r : regions) {
        if (r.decision().action() == a) {
          action = a;
        }
      }
    }
    Decision lead = null;
    int desired = 0;
    int min = 0;
    int max = 0;
    Integer current = null;
    long cooldown = 0;
    List<String> messages = new ArrayList<>();
    for (RegionDecision r : regions) {
      Decision d = r.decision();
      if (lead == null && d.action() == action) {
        lead = d;
      }
      desired += d.desiredInstances();
      min += d.bounds().min();
      max += d.bounds().max();
      if (d.currentInstances() != null) {
        current = (current == null ? 0 : current) + d.currentInstances();
      }
      cooldown = Math.max(cooldown, d.cooldownRemainingSeconds());
      messages.add(r.share().region() + ": " + d.message());
    }
    return new Decision(
        action,
        lead.reason(),
        String.join("; ", messages),
        current,
        desired,
        state.desiredInstances(),
        new Bounds(min, max, lead.bounds().source()),
        cooldown,
        lead.inputs());
  }

  /** Each Cloud Run service's bounds: its region's decision, or the whole service's by share. */
  private List<ServiceMap.Target> targets(
      LogicalService service,
      Decision decision,
      List<RegionDecision> regional,
      List<String> units,
      List<RegionRoutes.Route> routeList,
      Instant now) {
    Map<String, int[]> bounds = new LinkedHashMap<>();
    if (regional.isEmpty()) { // rule invalid: nothing is actuated, the service's bounds recorded
      bounds.put(
          RegionShare.WHOLE,
          new int[] {
            decision.desiredInstances(),
            Math.max(decision.desiredInstances(), decision.bounds().max())
          });
    }
    for (RegionDecision r : regional) {
      bounds.put(r.share().region(), new int[] {r.targetMin(), r.targetMax()});
    }
    Map<String, Double> wholeShares = new LinkedHashMap<>();
    if (units.equals(List.of(RegionShare.WHOLE)) || regional.isEmpty()) {
      List<String> regions = serviceMap.regions(service);
      planner
          .plan(regions, Map.of(), Map.of(), routeList, now)
          .forEach((region, share) -> wholeShares.put(region, share.share()));
    }
    return serviceMap.targets(service, bounds, wholeShares);
  }

  private boolean needsActuation(ServiceState state, String targetsKey, Instant now) {
    if (!Objects.equals(state.appliedTargets(), targetsKey)
        || state.appliedAt() == null
        || !isOk(state.actuationStatus())) {
      return true;
    }
    return !Duration.between(state.appliedAt(), now).minus(config.reconcileEvery()).isNegative();
  }

  private static boolean isOk(String actuationStatus) {
    return "applied".equals(actuationStatus) || "dry-run".equals(actuationStatus);
  }
}
