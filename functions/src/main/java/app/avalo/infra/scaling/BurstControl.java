package app.avalo.infra.scaling;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Admin burst protection ({@code enableBurstProtection}, {@code disableBurstProtection}): turns it
 * on or off for the services asked and re-evaluates each changed service at once, so the new max
 * reaches Cloud Run now.
 */
final class BurstControl {
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

  private final BurstProtection bursts;
  private final ScalingEvaluator evaluator;
  private final Clock clock;

  BurstControl(BurstProtection bursts, ScalingEvaluator evaluator, Clock clock) {
    this.bursts = bursts;
    this.evaluator = evaluator;
    this.clock = clock;
  }

  EnabledAll enable(BurstRequest request, String by) {
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

  DisabledAll disable(BurstRequest.Off request, String by) {
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
