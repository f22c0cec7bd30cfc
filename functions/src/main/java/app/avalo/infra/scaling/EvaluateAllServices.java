package app.avalo.infra.scaling;

import app.avalo.infra.Root;
import app.avalo.infra.platform.JobContext;
import app.avalo.infra.platform.JobRunner;
import app.avalo.infra.platform.Log;
import app.avalo.infra.platform.Platform;
import app.avalo.infra.platform.ScheduledJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code evaluateAllServices} (job, every minute): seeds missing rules, then evaluates every
 * logical service and applies the decisions through the configured actuator. Each decision is
 * recorded in {@code scalingEvents} under {@code {service}@{scheduledTime}}, so a redelivered or
 * retried run never decides twice for a service; a service whose evaluation fails fails the run
 * (Cloud Scheduler retries it) after the others were still evaluated.
 */
public final class EvaluateAllServices extends ScheduledJob {
  private static final Duration RESERVE = Duration.ofSeconds(5);

  private final Supplier<ScalingModule> scaling;

  public EvaluateAllServices() {
    super(() -> Root.get().platform());
    this.scaling = () -> Root.get().scaling();
  }

  EvaluateAllServices(Platform platform, ScalingModule scaling) {
    super(platform);
    this.scaling = () -> scaling;
  }

  @Override
  protected JobRunner.Result run(JobContext context) {
    ScalingModule scaling = this.scaling.get();
    Instant now = platform().clock().instant();
    int seeded = scaling.store().seedMissingRules(scaling.config().stabilizationSeconds(), now);
    List<Map<String, Object>> decisions = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int changed = 0;
    for (LogicalService service : LogicalService.values()) {
      if (context.remaining().compareTo(RESERVE) < 0) {
        failures.add(service.id() + ": not evaluated before the deadline");
        continue;
      }
      try {
        ScalingEvaluator.Outcome o =
            scaling
                .evaluator()
                .evaluate(
                    service,
                    now,
                    "schedule",
                    ScalingEvaluator.scheduledEventId(service, context.scheduledFor()));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("service", o.service());
        d.put("commit", o.commit());
        d.put("action", o.action());
        d.put("reason", o.reason());
        d.put("desired", o.desiredInstances());
        d.put("actuation", o.actuation().getOrDefault("status", "not_needed"));
        decisions.add(d);
        if (o.action().startsWith("scale_")) {
          changed++;
        }
        context.progress("evaluated", decisions.size());
      } catch (RuntimeException e) {
        Log.error("scaling evaluation failed", Map.of("service", service.id()), e);
        failures.add(service.id() + ": " + e.getClass().getSimpleName());
      }
    }
    if (!failures.isEmpty()) {
      context.progress("decisions", decisions);
      throw new IllegalStateException(
          "scaling evaluation failed for " + String.join(", ", failures));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("seededRules", seeded);
    summary.put("changed", changed);
    summary.put("decisions", decisions);
    return JobRunner.Result.of(summary);
  }
}
