package app.avalo.infra.scaling;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.Firestores;
import app.avalo.infra.scaling.ScalingController.Action;
import app.avalo.infra.scaling.ScalingController.Bounds;
import app.avalo.infra.scaling.ScalingController.Decision;
import app.avalo.infra.scaling.ScalingStore.Commit;
import app.avalo.infra.scaling.ScalingStore.RuleRead;
import app.avalo.infra.scaling.ScalingStore.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  static final String ALERT_SOURCE = "scaling";

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
      Map<String, Object> actuation) {}

  private final ScalingStore store;
  private final ServiceMetricsStore metrics;
  private final ScalingController controller;
  private final Actuator actuator;
  private final ServiceMap serviceMap;
  private final Alerts alerts;
  private final ScalingConfig config;

  public ScalingEvaluator(
      ScalingStore store,
      ServiceMetricsStore metrics,
      ScalingController controller,
      Actuator actuator,
      ServiceMap serviceMap,
      Alerts alerts,
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
    ScalingStore.Burst burst = store.burst(service);
    ScalingStore.ManualOverride override = store.override(service);
    ServiceState state = store.state(service);
    Instant from =
        now.minus(config.metricsStaleAfter())
            .minus(rule.stabilizationMinutes() + 1L, ChronoUnit.MINUTES);
    List<ServiceMetricsStore.MinuteBucket> recent = metrics.minutes(service, from, now);

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
              Map.of("problems", ruleRead.problems()));
      alerts.raise(
          ALERT_SOURCE,
          "rule-invalid:" + service.id(),
          Alerts.Severity.WARNING,
          decision.message(),
          Map.of("service", service.id(), "problems", ruleRead.problems()));
    } else {
      decision =
          controller.decide(
              new ScalingController.Inputs(now, rule, burst, override, recent, state));
      if ("rule_invalid".equals(state.lastReason())) {
        alerts.resolve(
            ALERT_SOURCE, "rule-invalid:" + service.id(), "scaling", "rule is valid again");
      }
    }

    int targetMin = decision.desiredInstances();
    int targetMax = Math.max(targetMin, decision.bounds().max());
    boolean actuate = !ruleInvalid && needsActuation(state, targetMin, targetMax, now);

    Map<String, Object> event = new LinkedHashMap<>();
    event.put("service", service.id());
    event.put("at", Firestores.timestamp(now));
    event.put("trigger", trigger);
    event.put("kind", "decision");
    event.put("action", decision.action().wire());
    event.put("reason", decision.reason());
    event.put("message", decision.message());
    event.put("currentInstances", decision.currentInstances());
    event.put("desiredInstances", decision.desiredInstances());
    event.put("previousDesired", decision.previousDesired());
    event.put("boundsMin", decision.bounds().min());
    event.put("boundsMax", decision.bounds().max());
    event.put("boundsSource", decision.bounds().source());
    event.put("cooldownRemainingSeconds", decision.cooldownRemainingSeconds());
    event.put("inputs", new HashMap<>(decision.inputs()));
    event.put(
        "actuation",
        Map.of("actuator", actuator.mode(), "status", actuate ? "pending" : "not_needed"));

    Map<String, Object> stateFields = new HashMap<>();
    stateFields.put("desiredInstances", decision.desiredInstances());
    stateFields.put("targetMin", targetMin);
    stateFields.put("targetMax", targetMax);
    stateFields.put("lastDecisionAt", Firestores.timestamp(now));
    stateFields.put("lastAction", decision.action().wire());
    stateFields.put("lastReason", decision.reason());
    stateFields.put("lastMessage", decision.message());
    if (decision.changed()) {
      stateFields.put("lastScaleAction", decision.action().wire());
      stateFields.put("lastScaleAt", Firestores.timestamp(now));
    }

    Commit commit = store.commitDecision(service, state.revision(), eventId, event, stateFields);
    Map<String, Object> actuation = new LinkedHashMap<>();
    if (commit == Commit.COMMITTED && actuate) {
      Actuator.Result result =
          actuator.apply(service, serviceMap.targets(service, targetMin, targetMax));
      actuation = result.toMap();
      Map<String, Object> applied = new HashMap<>();
      applied.put("actuationStatus", result.status());
      applied.put("actuationAt", Firestores.timestamp(now));
      applied.put("actuationError", result.ok() ? null : result.errors());
      if (result.ok()) {
        applied.put("appliedMin", targetMin);
        applied.put("appliedMax", targetMax);
        applied.put("appliedAt", Firestores.timestamp(now));
      }
      store.recordActuation(service, eventId, actuation, applied);
      String alertKey = "actuation:" + service.id();
      if (!result.ok()) {
        alerts.raise(
            ALERT_SOURCE,
            alertKey,
            Alerts.Severity.WARNING,
            "could not apply scaling bounds to " + service.id() + ": " + result.errors(),
            Map.of("service", service.id(), "targetMin", targetMin, "targetMax", targetMax));
      } else if (state.actuationStatus() != null && !isOk(state.actuationStatus())) {
        alerts.resolve(ALERT_SOURCE, alertKey, "scaling", "bounds applied");
      }
    } else if (commit == Commit.COMMITTED) {
      actuation.put("status", "not_needed");
    }
    return new Outcome(
        service.id(),
        eventId,
        commit.name().toLowerCase(Locale.ROOT),
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
