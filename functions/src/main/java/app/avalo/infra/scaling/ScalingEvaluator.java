package app.avalo.infra.scaling;

import app.avalo.infra.scaling.ScalingController.Action;
import app.avalo.infra.scaling.ScalingController.Bounds;
import app.avalo.infra.scaling.ScalingController.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Evaluates one service end to end: reads its rule, burst, override, metrics window and state; lets
 * {@link ScalingController} decide; commits the decision and its event atomically (only if no other
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

  ScalingEvaluator(
      ScalingStore store,
      ServiceMetricsStore metrics,
      ScalingController controller,
      Actuator actuator,
      ServiceMap serviceMap,
      ScalingAlerts alerts,
      ScalingConfig config) {
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
    RuleRead ruleRead = store.rule(service, config.stabilizationSeconds());
    ScalingRule rule = ruleRead.rule();
    Burst burst = store.burst(service);
    ManualOverride override = store.override(service);
    ServiceState state = store.state(service);
    Instant from =
        now.minus(config.metricsStaleAfter())
            .minus(rule.stabilizationMinutes() + 1L, ChronoUnit.MINUTES);
    List<MinuteBucket> recent = metrics.minutes(service, from, now);

    Decision decision;
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
      decision =
          controller.decide(
              new ScalingController.Inputs(now, rule, burst, override, recent, state));
      if ("rule_invalid".equals(state.lastReason())) {
        alerts.ruleValidAgain(service);
      }
    }

    int targetMin = decision.desiredInstances();
    int targetMax = Math.max(targetMin, decision.bounds().max());
    boolean actuate = !ruleInvalid && needsActuation(state, targetMin, targetMax, now);
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
            actuate);
    Commit commit = store.commitDecision(recorded, state.revision());
    ActuationReport actuation = ActuationReport.NONE;
    if (commit == Commit.COMMITTED && actuate) {
      Actuator.Result result =
          actuator.apply(service, serviceMap.targets(service, targetMin, targetMax));
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

  private boolean needsActuation(ServiceState state, int targetMin, int targetMax, Instant now) {
    if (!Objects.equals(state.appliedMin(), targetMin)
        || !Objects.equals(state.appliedMax(), targetMax)
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
