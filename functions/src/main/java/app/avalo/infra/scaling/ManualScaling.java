package app.avalo.infra.scaling;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What admins do to a service's instance count by hand: a manual override ({@code manualScale}),
 * which wins over rules and burst protection until it expires, and burst protection on or off
 * ({@code enableBurstProtection}, {@code disableBurstProtection}). Each changed service is
 * re-evaluated at once, so the new bounds reach Cloud Run now.
 */
final class ManualScaling {
  /** What {@code manualScale} answers: the stored override and the evaluation it caused. */
  record Result(String service, OverrideView override, ScalingEvaluator.Outcome decision) {}

  /** A service's new burst and the evaluation it caused. */
  record Enabled(String service, BurstView burst, ScalingEvaluator.Outcome decision) {}

  /** What {@code enableBurstProtection} answers. */
  record EnabledAll(List<Enabled> services) {}

  /**
   * A service's ended burst and the evaluation it caused; {@code changed} false (and nothing else)
   * when it had no live burst.
   */
  record Disabled(
      String service, boolean changed, BurstView burst, ScalingEvaluator.Outcome decision) {}

  /** What {@code disableBurstProtection} answers. */
  record DisabledAll(List<Disabled> services) {}

  private final ScalingStore store;
  private final BurstProtection bursts;
  private final ScalingEvaluator evaluator;
  private final Clock clock;

  ManualScaling(
      ScalingStore store, BurstProtection bursts, ScalingEvaluator evaluator, Clock clock) {
    this.store = store;
    this.bursts = bursts;
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

  EnabledAll enableBursts(BurstRequest request, String by) {
    Instant now = clock.instant();
    List<Enabled> results = new ArrayList<>();
    for (LogicalService service : request.services()) {
      Burst burst = bursts.enable(service, request.reason(), request.duration(), by, now);
      ScalingEvaluator.Outcome decision =
          evaluator.evaluate(
              service,
              now,
              "enableBurstProtection",
              ScalingEvaluator.adHocEventId(service, now, "burst"));
      results.add(new Enabled(service.id(), burst.view(now), decision));
    }
    return new EnabledAll(results);
  }

  DisabledAll disableBursts(BurstRequest.Off request, String by) {
    Instant now = clock.instant();
    List<Disabled> results = new ArrayList<>();
    for (LogicalService service : request.services()) {
      Burst ended = bursts.disable(service, by, "disabled by admin", now);
      if (ended == null) {
        results.add(new Disabled(service.id(), false, null, null));
        continue;
      }
      results.add(
          new Disabled(
              service.id(),
              true,
              ended.view(now),
              evaluator.evaluate(
                  service,
                  now,
                  "disableBurstProtection",
                  ScalingEvaluator.adHocEventId(service, now, "burst"))));
    }
    return new DisabledAll(results);
  }
}
