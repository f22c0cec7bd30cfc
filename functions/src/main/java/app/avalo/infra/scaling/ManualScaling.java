package app.avalo.infra.scaling;

import java.time.Clock;
import java.time.Instant;

/**
 * Admin overrides of a service's instance count ({@code manualScale}): stores the override, which
 * wins over rules and burst protection until it expires, and re-evaluates the service at once so
 * the new bounds reach Cloud Run now.
 */
final class ManualScaling {
  /** What {@code manualScale} answers: the stored override and the evaluation it caused. */
  record Result(String service, OverrideView override, ScalingEvaluator.Outcome decision) {}

  private final ScalingStore store;
  private final ScalingEvaluator evaluator;
  private final Clock clock;

  ManualScaling(ScalingStore store, ScalingEvaluator evaluator, Clock clock) {
    this.store = store;
    this.evaluator = evaluator;
    this.clock = clock;
  }

  Result apply(ManualScaleRequest request, String by) {
    Instant now = clock.instant();
    ManualOverride override =
        new ManualOverride(
            request.minInstances(),
            request.maxInstances(),
            request.instances(),
            now,
            now.plusSeconds(request.minutes() * 60),
            by);
    store.saveOverride(request.service(), override);
    ScalingEvaluator.Outcome decision =
        evaluator.evaluate(
            request.service(),
            now,
            "manualScale",
            ScalingEvaluator.adHocEventId(request.service(), now, "manual"));
    return new Result(request.service().id(), override.view(now), decision);
  }
}
